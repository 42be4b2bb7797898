/**
 * Smart routing for {@code hpprouter/auto}: versioned rulesets ({@code RuleSet}, {@code ActiveRules}), the decision
 * ({@code SmartRouter} → {@code RouteDecision}), and token estimates ({@code PromptTokens} for routing,
 * {@code TokenEstimator} for quota, one shared o200k {@code Tokenizer}). Reads the wire format and the catalog; must
 * not import {@code http}, chat or provider code.
 */
package io.hpp.router.routing;
