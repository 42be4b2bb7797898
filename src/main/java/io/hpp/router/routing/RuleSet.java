package io.hpp.router.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One version of the smart-routing rules, parsed and validated from its JSON. Every part is optional as far as
 * parsing goes (a ruleset may simply not cover a case: requests of that case then get 400
 * {@code smart_routing_failed}), but what is present must be well formed.
 */
public record RuleSet(long version, Optional<Rule> tool, Optional<SimpleRule> simple, Optional<ComplexRule> complex,
                      Optional<StreamingRule> streaming, Set<String> allowedProviders, Map<String, List<String>> fallbacks,
                      JsonNode json) {

    /** A rule that sends its basket to one model. */
    public record Rule(String ruleId, String model) {
    }

    /** Basket {@code simple}: a keyword in the last user message, or few enough input tokens. */
    public record SimpleRule(String ruleId, String model, List<String> keywords, Optional<Long> maxInputTokens, Optional<Pattern> keywordPattern) {
    }

    /** One band of basket {@code complex}; the last band has no upper bound. */
    public record Tier(String tier, String ruleId, Optional<Long> maxInputTokens, String model) {
    }

    /** Basket {@code complex}: bands of estimated input tokens, with a safety margin on the estimate. */
    public record ComplexRule(BigDecimal margin, List<Tier> tiers) {
    }

    /** Streams: the fallback model (documented default), or {@code mode: classify} to route them like the rest. */
    public record StreamingRule(String ruleId, Optional<String> model, boolean classify) {
    }

    public static RuleSet parse(long version, String json) {
        try {
            JsonNode n = Json.readTree(json);
            return parse(version, n);
        } catch (IOException e) {
            throw ApiException.invalidRequest("The ruleset is not valid JSON: " + e.getMessage());
        }
    }

    public static RuleSet parse(long version, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw invalid("the ruleset must be a JSON object");
        }
        Optional<Rule> tool = section(n, "tool").map(t -> new Rule(text(t, "tool.rule_id"), text(t, "tool.model")));
        Optional<SimpleRule> simple = section(n, "simple").map(RuleSet::simple);
        Optional<ComplexRule> complex = section(n, "complex").map(RuleSet::complex);
        Optional<StreamingRule> streaming = section(n, "streaming").map(RuleSet::streaming);
        Set<String> allowed = new LinkedHashSet<>();
        JsonNode ap = n.get("allowed_providers");
        if (ap != null && !ap.isNull()) {
            if (!ap.isArray() || ap.isEmpty()) {
                throw invalid("allowed_providers must be a non-empty array of provider names");
            }
            ap.forEach(p -> allowed.add(p.asText()));
        }
        if (tool.isEmpty() && simple.isEmpty() && complex.isEmpty() && streaming.isEmpty()) {
            throw invalid("the ruleset routes nothing: give at least one of tool, simple, complex, streaming");
        }
        Map<String, List<String>> fallbacks = new java.util.HashMap<>();
        collectFallbacks(n.get("tool"), "tool", fallbacks);
        collectFallbacks(n.get("simple"), "simple", fallbacks);
        collectFallbacks(n.get("streaming"), "streaming", fallbacks);
        JsonNode tiers = n.path("complex").path("tiers");
        for (int i = 0; i < tiers.size(); i++) {
            collectFallbacks(tiers.get(i), "complex.tiers[" + i + "]", fallbacks);
        }
        return new RuleSet(version, tool, simple, complex, streaming, Set.copyOf(allowed), Map.copyOf(fallbacks), n);
    }

    /** A rule's optional {@code fallbacks}: model ids to try, in order, when its model's provider fails. */
    private static void collectFallbacks(JsonNode rule, String where, Map<String, List<String>> into) {
        if (rule == null || !rule.isObject() || !rule.has("fallbacks")) {
            return;
        }
        JsonNode f = rule.get("fallbacks");
        if (!f.isArray()) {
            throw invalid(where + ".fallbacks must be an array of model ids");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode id : f) {
            if (!id.isTextual() || id.asText().isBlank()) {
                throw invalid(where + ".fallbacks must hold non-empty model ids");
            }
            ids.add(id.asText());
        }
        into.put(rule.path("rule_id").asText(where), List.copyOf(ids));
    }

    /** The fallback models of a rule, in order. */
    public List<String> fallbacksOf(String ruleId) {
        return fallbacks.getOrDefault(ruleId, List.of());
    }

    /** Every model the ruleset can send a request to. */
    public List<String> models() {
        List<String> models = new ArrayList<>();
        tool.ifPresent(r -> models.add(r.model()));
        simple.ifPresent(r -> models.add(r.model()));
        complex.ifPresent(c -> c.tiers().forEach(t -> models.add(t.model())));
        streaming.flatMap(StreamingRule::model).ifPresent(models::add);
        fallbacks.values().forEach(models::addAll);
        return models;
    }

    public boolean allows(String provider) {
        return allowedProviders.isEmpty() || allowedProviders.contains(provider);
    }

    private static SimpleRule simple(JsonNode s) {
        List<String> keywords = new ArrayList<>();
        JsonNode kw = s.get("keywords");
        if (kw != null && !kw.isNull()) {
            if (!kw.isArray()) {
                throw invalid("simple.keywords must be an array of strings");
            }
            for (JsonNode k : kw) {
                if (!k.isTextual() || k.asText().isBlank()) {
                    throw invalid("simple.keywords must hold non-empty strings");
                }
                keywords.add(k.asText().trim());
            }
        }
        Optional<Long> max = optionalCount(s, "max_input_tokens", "simple.max_input_tokens");
        if (keywords.isEmpty() && max.isEmpty()) {
            throw invalid("simple needs keywords or max_input_tokens, else it can never match");
        }
        Optional<Pattern> pattern = keywords.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(
                "(?<![\\p{L}\\p{N}_])(" + String.join("|", keywords.stream().map(Pattern::quote).toList()) + ")(?![\\p{L}\\p{N}_])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        return new SimpleRule(text(s, "simple.rule_id"), text(s, "simple.model"), List.copyOf(keywords), max, pattern);
    }

    private static ComplexRule complex(JsonNode c) {
        BigDecimal margin = BigDecimal.ZERO;
        JsonNode m = c.get("margin");
        if (m != null && !m.isNull()) {
            if (!m.isNumber() || m.decimalValue().signum() < 0 || m.decimalValue().compareTo(BigDecimal.TEN) > 0) {
                throw invalid("complex.margin must be a number from 0 to 10 (0.1 means +10% on the estimate)");
            }
            margin = m.decimalValue();
        }
        JsonNode tiers = c.get("tiers");
        if (tiers == null || !tiers.isArray() || tiers.isEmpty()) {
            throw invalid("complex.tiers must be a non-empty array");
        }
        List<Tier> list = new ArrayList<>();
        long previous = -1;
        for (int i = 0; i < tiers.size(); i++) {
            JsonNode t = tiers.get(i);
            String where = "complex.tiers[" + i + "]";
            Optional<Long> max = optionalCount(t, "max_input_tokens", where + ".max_input_tokens");
            boolean last = i == tiers.size() - 1;
            if (!last && max.isEmpty()) {
                throw invalid(where + ".max_input_tokens is required on every tier but the last");
            }
            if (max.isPresent() && max.get() <= previous) {
                throw invalid(where + ".max_input_tokens must be larger than the previous tier's (" + previous + ")");
            }
            previous = max.orElse(Long.MAX_VALUE);
            list.add(new Tier(text(t, where + ".tier"), text(t, where + ".rule_id"), max, text(t, where + ".model")));
        }
        return new ComplexRule(margin, List.copyOf(list));
    }

    private static StreamingRule streaming(JsonNode s) {
        String mode = s.hasNonNull("mode") ? s.get("mode").asText() : "fallback";
        return switch (mode) {
            case "classify" -> new StreamingRule(s.hasNonNull("rule_id") ? s.get("rule_id").asText() : "stream-classify",
                    Optional.empty(), true);
            case "fallback" -> new StreamingRule(text(s, "streaming.rule_id"), Optional.of(text(s, "streaming.model")), false);
            default -> throw invalid("streaming.mode must be fallback or classify, got '" + mode + "'");
        };
    }

    private static Optional<JsonNode> section(JsonNode n, String name) {
        JsonNode s = n.get(name);
        if (s == null || s.isNull()) {
            return Optional.empty();
        }
        if (!s.isObject()) {
            throw invalid(name + " must be an object");
        }
        return Optional.of(s);
    }

    private static String text(JsonNode n, String path) {
        JsonNode v = n.get(path.substring(path.lastIndexOf('.') + 1));
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw invalid(path + " is required and must be a non-empty string");
        }
        return v.asText();
    }

    private static Optional<Long> optionalCount(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.canConvertToExactIntegral() || v.asLong() < 0) {
            throw invalid(path + " must be a whole number >= 0");
        }
        return Optional.of(v.asLong());
    }

    private static ApiException invalid(String problem) {
        return ApiException.invalidRequest("Invalid ruleset: " + problem);
    }

    /** The ruleset seeded as version 1. */
    public static ObjectNode defaults() {
        try {
            return (ObjectNode) Json.MAPPER.readTree("""
                    {"tool":    {"rule_id": "tool-default",   "model": "openai/gpt-4o-mini"},
                     "simple":  {"rule_id": "simple-default", "model": "openai/gpt-4o-mini",
                                 "keywords": ["summarize", "summarise", "translate", "classify", "extract"], "max_input_tokens": 200},
                     "complex": {"margin": 0.1, "tiers": [
                         {"tier": "T1", "rule_id": "complex-t1", "max_input_tokens": 4000,  "model": "openai/gpt-5-mini"},
                         {"tier": "T2", "rule_id": "complex-t2", "max_input_tokens": 32000, "model": "openai/gpt-5"},
                         {"tier": "T3", "rule_id": "complex-t3", "model": "anthropic/claude-sonnet-4"}]},
                     "streaming": {"rule_id": "stream-fallback", "model": "openai/gpt-4o-mini"},
                     "allowed_providers": ["openai", "anthropic", "moonshotai", "ollama"]}
                    """);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
