package io.hpp.router.routing;

import io.hpp.router.value.Model;
import io.hpp.router.value.Price;
import java.util.Optional;

/**
 * Where {@code hpprouter/auto} sends one request, and why.
 *
 * @param estimate       input tokens estimated for the decision
 * @param estimateCapped counting stopped early: the request has more than {@code estimate} tokens
 * @param baseline       prices of the ruleset's most expensive tier, against which routing's savings are counted
 * @param fallbacks      the rule's fallback models, in order
 */
public record RouteDecision(Model model, Basket basket, String ruleId, long rulesVersion, Optional<String> tier,
                            long estimate, boolean estimateCapped, String reason, Optional<Price> baseline,
                            java.util.List<String> fallbacks) {
}
