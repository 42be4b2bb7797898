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
 * @param reroutedFrom   the model the rules chose, when the calling key may not use it and another tier serves instead
 */
public record RouteDecision(Model model, Basket basket, String ruleId, long rulesVersion, Optional<String> tier,
                            long estimate, boolean estimateCapped, String reason, Optional<Price> baseline,
                            java.util.List<String> fallbacks, Optional<String> reroutedFrom) {
}
