package io.hpp.router.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.value.Model;
import io.hpp.router.wire.ChatRequest;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code hpprouter/auto}: can a cheaper model serve this request? Rules, in order: streams take the streaming rule
 * (unless it says classify); requests with tools take the tool rule; a keyword in the last user message or a small
 * input takes the simple rule; the rest are complex, banded by estimated input tokens (with the margin added).
 */
public final class SmartRouter {
    /** Input-token estimates for a request's messages, stopping once past {@code stopAbove}. */
    @FunctionalInterface
    public interface Estimator {
        PromptTokens.Estimate estimate(JsonNode messages, long stopAbove);
    }

    private final java.util.function.Supplier<Optional<RuleSet>> rules;
    private final ModelCatalog catalog;
    private final Estimator estimator;
    private final Predicate<String> providerConfigured;

    public SmartRouter(ActiveRules rules, ModelCatalog catalog, Estimator estimator, Predicate<String> providerConfigured) {
        this(rules::active, catalog, estimator, providerConfigured);
    }

    private SmartRouter(java.util.function.Supplier<Optional<RuleSet>> rules, ModelCatalog catalog, Estimator estimator,
                        Predicate<String> providerConfigured) {
        this.rules = rules;
        this.catalog = catalog;
        this.estimator = estimator;
        this.providerConfigured = providerConfigured;
    }

    /**
     * A router that decides with {@code rules} alone, as if every provider were configured: for replaying a dataset
     * offline through the same decision code a live request takes (no provider is called).
     */
    public static SmartRouter offline(RuleSet rules, ModelCatalog catalog, Estimator estimator) {
        Optional<RuleSet> fixed = Optional.of(rules);
        return new SmartRouter(() -> fixed, catalog, estimator, provider -> true);
    }

    public RouteDecision decide(ChatRequest req) {
        return decide(req, id -> true);
    }

    /**
     * The decision for a caller that may use only the models {@code keyAllows}: when the rules choose a model the key
     * may not use, the nearest rung above it (dearer) whose model the key may use serves, else the nearest below it;
     * none → 403 {@code model_not_allowed}. The rungs, cheapest first, are the simple rule's model then the complex
     * rule's tiers. The decision then names the model the rules chose ({@link RouteDecision#reroutedFrom()}).
     */
    public RouteDecision decide(ChatRequest req, Predicate<String> keyAllows) {
        RuleSet rs = rules.get().orElseThrow(() -> failed("no routing ruleset is active"));
        Choice c = choose(rs, req);
        if (keyAllows.test(c.model)) {
            return decision(rs, c.model, c.basket, c.ruleId, c.tier, c.estimate, c.capped, c.reason, Optional.empty());
        }
        // the rungs from cheapest up: the simple rule's model, then the complex tiers
        List<Choice> ladder = new java.util.ArrayList<>();
        rs.simple().ifPresent(x -> ladder.add(new Choice(x.model(), c.basket, x.ruleId(), Optional.empty(), 0, false, "simple")));
        rs.complex().ifPresent(x -> x.tiers().forEach(t -> ladder.add(new Choice(t.model(), c.basket, t.ruleId(), Optional.of(t.tier()), 0,
                false, "tier '" + t.tier() + "'"))));
        int at = -1;
        for (int i = 0; i < ladder.size() && at < 0; i++) {
            Choice rung = ladder.get(i);
            at = (c.tier.isPresent() ? rung.tier.equals(c.tier) : rung.ruleId.equals(c.ruleId) || rung.model.equals(c.model)) ? i : -1;
        }
        List<Integer> order = new java.util.ArrayList<>();
        for (int i = at + 1; i < ladder.size(); i++) {
            order.add(i);
        }
        for (int i = at - 1; i >= 0; i--) {
            order.add(i);
        }
        for (int i : order) {
            Choice rung = ladder.get(i);
            if (keyAllows.test(rung.model) && usable(rs, rung.model)) {
                String why = c.reason + "; this key may not use " + c.model + ", so the nearest rung it may use serves: " + rung.reason
                        + " (" + (i > at ? "above" : "below") + ")";
                return decision(rs, rung.model, c.basket, rung.ruleId, rung.tier, c.estimate, c.capped, why, Optional.of(c.model));
            }
        }
        throw new ApiException(403, "model_not_allowed", "hpprouter/auto chose " + c.model + " (" + c.reason
                + "), which this API key may not use, and no tier of the active ruleset has a model the key may use");
    }

    /** What the rules chose, before the key is asked. */
    private record Choice(String model, Basket basket, String ruleId, Optional<String> tier, long estimate, boolean capped, String reason) {
    }

    private Choice choose(RuleSet rs, ChatRequest req) {
        Optional<RuleSet.StreamingRule> streaming = rs.streaming();
        if (req.stream() && !streaming.map(RuleSet.StreamingRule::classify).orElse(false)) {
            RuleSet.StreamingRule s = streaming.orElseThrow(() -> failed("the active ruleset has no streaming rule"));
            return new Choice(s.model().orElseThrow(), Basket.STREAMING, s.ruleId(), Optional.empty(), 0, false,
                    "stream: classification skipped, the streaming rule applies");
        }
        // members read alone, and not kept: a tree of the whole body would stay with the request to its end
        if (hasTools(req.body().value("tools"), req.body().value("tool_choice"))) {
            RuleSet.Rule t = rs.tool().orElseThrow(() -> failed("the request uses tools and the active ruleset has no tool rule"));
            return new Choice(t.model(), Basket.TOOL, t.ruleId(), Optional.empty(), 0, false, "the request has tools or tool_choice");
        }
        JsonNode messages = req.body().value("messages");
        PromptTokens.Estimate est = estimator.estimate(messages, stopAbove(rs));
        Optional<RuleSet.SimpleRule> simple = rs.simple();
        if (simple.isPresent()) {
            RuleSet.SimpleRule s = simple.get();
            Optional<String> keyword = s.keywordPattern().flatMap(p -> {
                var m = p.matcher(lastUserText(messages));
                return m.find() ? Optional.of(m.group(1)) : Optional.empty();
            });
            if (keyword.isPresent()) {
                return new Choice(s.model(), Basket.SIMPLE, s.ruleId(), Optional.empty(), est.tokens(), est.capped(),
                        "keyword '" + keyword.get() + "' in the last user message");
            }
            if (s.maxInputTokens().isPresent() && !est.capped() && est.tokens() <= s.maxInputTokens().get()) {
                return new Choice(s.model(), Basket.SIMPLE, s.ruleId(), Optional.empty(), est.tokens(), false,
                        "estimated " + est.tokens() + " input tokens <= " + s.maxInputTokens().get());
            }
        }
        RuleSet.ComplexRule c = rs.complex().orElseThrow(() -> failed("the request is not simple and the active ruleset has no complex rule"));
        BigDecimal withMargin = BigDecimal.valueOf(est.tokens()).multiply(BigDecimal.ONE.add(c.margin()));
        for (RuleSet.Tier t : c.tiers()) {
            boolean last = t == c.tiers().getLast();
            if (last || withMargin.compareTo(BigDecimal.valueOf(t.maxInputTokens().orElseThrow())) <= 0) {
                String why = "estimated " + (est.capped() ? "more than " : "") + est.tokens() + " input tokens × (1 + "
                        + c.margin().toPlainString() + ") = " + withMargin.stripTrailingZeros().toPlainString()
                        + t.maxInputTokens().map(m -> " <= " + m).orElse(", beyond every bounded tier");
                return new Choice(t.model(), Basket.COMPLEX, t.ruleId(), Optional.of(t.tier()), est.tokens(), est.capped(), why);
            }
        }
        throw failed("no complex tier matched");
    }

    /** Whether the ruleset that made {@code decision} allows {@code provider} (for its fallbacks). */
    public boolean allows(RouteDecision decision, String provider) {
        return rules.get().filter(rs -> rs.version() == decision.rulesVersion()).map(rs -> rs.allows(provider)).orElse(true);
    }

    /** The estimate past which no decision of this ruleset changes: counting can stop there. */
    static long stopAbove(RuleSet rs) {
        long stop = rs.simple().flatMap(RuleSet.SimpleRule::maxInputTokens).orElse(0L);
        if (rs.complex().isPresent()) {
            BigDecimal factor = BigDecimal.ONE.add(rs.complex().get().margin());
            for (RuleSet.Tier t : rs.complex().get().tiers()) {
                if (t.maxInputTokens().isPresent()) {
                    long largestInTier = BigDecimal.valueOf(t.maxInputTokens().get()).divide(factor, 0, java.math.RoundingMode.FLOOR).longValue();
                    stop = Math.max(stop, largestInTier);
                }
            }
        }
        return stop;
    }

    /** Whether a tier's model could serve: known, enabled, a chat model, of a provider allowed and configured. */
    private boolean usable(RuleSet rs, String modelId) {
        return catalog.find(modelId).filter(m -> m.enabled() && m.kind() == Model.Kind.CHAT && rs.allows(m.provider())
                && providerConfigured.test(m.provider())).isPresent();
    }

    private RouteDecision decision(RuleSet rs, String modelId, Basket basket, String ruleId, Optional<String> tier, long estimate,
                                   boolean capped, String reason, Optional<String> reroutedFrom) {
        Model model = catalog.find(modelId).orElseThrow(() -> new ApiException(400, "unsupported_model",
                "Rule '" + ruleId + "' routes to '" + modelId + "', which has no registered pricing"));
        if (!model.enabled() || model.kind() != Model.Kind.CHAT) {
            throw failed("rule '" + ruleId + "' routes to '" + modelId + "', which is not an enabled chat model");
        }
        if (!rs.allows(model.provider())) {
            throw failed("rule '" + ruleId + "' routes to provider '" + model.provider() + "', which the ruleset does not allow");
        }
        if (!providerConfigured.test(model.provider())) {
            throw failed("rule '" + ruleId + "' routes to provider '" + model.provider() + "', which is not configured on this gateway");
        }
        return new RouteDecision(model, basket, ruleId, rs.version(), tier, estimate, capped, reason, baseline(rs), rs.fallbacksOf(ruleId),
                reroutedFrom);
    }

    /** The price of the ruleset's most expensive complex tier (by input + output rate), if it is priced. */
    private Optional<io.hpp.router.value.Price> baseline(RuleSet rs) {
        return rs.complex().stream().flatMap(c -> c.tiers().stream())
                .map(t -> catalog.find(t.model()))
                .flatMap(Optional::stream)
                .map(Model::price)
                .max(java.util.Comparator.comparing(p -> p.input().add(p.output())));
    }

    private static boolean hasTools(JsonNode tools, JsonNode choice) {
        return (tools != null && tools.isArray() && !tools.isEmpty()) || (choice != null && !choice.isNull());
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m.path("role").asText().equals("user")) {
                JsonNode content = m.get("content");
                if (content != null && content.isTextual()) {
                    return content.asText();
                }
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : content) {
                    if (part.path("type").asText().equals("text")) {
                        sb.append(part.path("text").asText()).append('\n');
                    }
                }
                return sb.toString();
            }
        }
        return "";
    }

    private static ApiException failed(String why) {
        return new ApiException(400, "smart_routing_failed", "Smart routing failed: " + why);
    }
}
