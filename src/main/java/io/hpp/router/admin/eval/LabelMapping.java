package io.hpp.router.admin.eval;

import io.hpp.router.common.ApiException;
import io.hpp.router.routing.RouteDecision;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which scored answer (weak or strong) each place a decision can land stands for: a complex tier by its name
 * ({@code T1}), the other baskets by theirs ({@code simple}, {@code tool}, {@code streaming}). A place the mapping does
 * not name takes {@code otherwise}.
 */
public record LabelMapping(Map<String, Label> labels, Label otherwise) {
    /** The default: the cheap places (simple, streaming, T1) stand for the weak model, the dearer ones for the strong. */
    public static final LabelMapping DEFAULT = parse("simple=weak,streaming=weak,T1=weak,T2=strong,T3=strong,tool=strong,*=strong");

    public LabelMapping {
        labels = Map.copyOf(labels);
    }

    /** Parses {@code place=label,...}, where {@code *} names every other place; e.g. {@code simple=weak,T1=weak,*=strong}. */
    public static LabelMapping parse(String spec) {
        Map<String, Label> labels = new LinkedHashMap<>();
        Label otherwise = Label.STRONG;
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", -1);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw ApiException.invalidRequest("Invalid mapping '" + part.trim() + "': expected place=weak or place=strong, e.g. "
                        + "simple=weak,T1=weak,*=strong");
            }
            Label label = switch (kv[1].trim().toLowerCase(Locale.ROOT)) {
                case "weak" -> Label.WEAK;
                case "strong" -> Label.STRONG;
                default -> throw ApiException.invalidRequest("Invalid mapping '" + part.trim() + "': the label must be weak or strong");
            };
            if (kv[0].trim().equals("*")) {
                otherwise = label;
            } else {
                labels.put(kv[0].trim(), label);
            }
        }
        return new LabelMapping(labels, otherwise);
    }

    /** Where a decision landed: its tier, else its basket. */
    static String place(RouteDecision d) {
        return d.tier().orElse(d.basket().wire());
    }

    Label label(RouteDecision d) {
        return labels.getOrDefault(place(d), otherwise);
    }

    /** The spelling {@link #parse} reads, places sorted. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(labels).forEach((k, v) -> sb.append(k).append('=').append(v.wire()).append(','));
        return sb.append("*=").append(otherwise.wire()).toString();
    }
}
