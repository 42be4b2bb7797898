package io.hpp.router.admin.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.routing.RuleSet;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One numeric boundary of a ruleset: {@code simple.max_input_tokens}, {@code complex.margin}, or a complex tier's
 * {@code max_input_tokens} named by the tier ({@code T1.max_input_tokens}).
 */
public record Knob(String path) {

    public Knob {
        if (!path.equals("simple.max_input_tokens") && !path.equals("complex.margin") && !path.endsWith(".max_input_tokens")) {
            throw ApiException.invalidRequest("Unknown boundary '" + path + "': expected simple.max_input_tokens, complex.margin or "
                    + "<tier>.max_input_tokens (e.g. T1.max_input_tokens)");
        }
    }

    /** The boundaries of {@code rs} a tuner may move: the simple rule's token limit and each bounded tier's. */
    static List<Knob> tunable(RuleSet rs) {
        List<Knob> knobs = new ArrayList<>();
        rs.simple().flatMap(RuleSet.SimpleRule::maxInputTokens).ifPresent(m -> knobs.add(new Knob("simple.max_input_tokens")));
        rs.complex().ifPresent(c -> c.tiers().stream().filter(t -> t.maxInputTokens().isPresent())
                .forEach(t -> knobs.add(new Knob(t.tier() + ".max_input_tokens"))));
        return knobs;
    }

    /** The boundary's value in {@code rs}, if it has one. */
    Optional<BigDecimal> value(RuleSet rs) {
        Optional<JsonNode> v = field(rs.json()).flatMap(o -> Optional.ofNullable(o.get(leaf())));
        return v.filter(JsonNode::isNumber).map(JsonNode::decimalValue);
    }

    /** {@code rs} with this boundary set to {@code value}, parsed again (so an impossible value fails as a publish would). */
    RuleSet apply(RuleSet rs, BigDecimal value) {
        JsonNode copy = rs.json().deepCopy();
        ObjectNode target = field(copy).orElseThrow(() -> ApiException.invalidRequest("The ruleset has no boundary '" + path + "'"));
        if (leaf().equals("margin")) {
            target.put("margin", value);
        } else {
            target.put("max_input_tokens", value.longValueExact());
        }
        return RuleSet.parse(rs.version(), copy);
    }

    private String leaf() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private Optional<ObjectNode> field(JsonNode json) {
        String owner = path.substring(0, path.lastIndexOf('.'));
        if (owner.equals("simple") || owner.equals("complex")) {
            return Optional.ofNullable(json.get(owner)).filter(JsonNode::isObject).map(ObjectNode.class::cast);
        }
        for (JsonNode t : json.path("complex").path("tiers")) {
            if (t.path("tier").asText().equals(owner) && t.isObject()) {
                return Optional.of((ObjectNode) t);
            }
        }
        return Optional.empty();
    }
}
