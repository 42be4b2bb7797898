/**
 * Smart routing for {@code hpprouter/auto}: versioned rulesets ({@code RuleSet}, {@code ActiveRules}), the
 * decision ({@code SmartRouter} → {@code RouteDecision}), and token estimates ({@code PromptTokens} for routing,
 * {@code TokenEstimator} for quota, one shared {@code Tokenizer}). Reads the request type of {@code chat}; must not
 * import {@code io.hpp.router.http} or provider code.
 */
package io.hpp.router.routing;
