package io.hpp.router.admin.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.value.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a ruleset did with a dataset: per source and overall ({@code all}, last), the requests at each place, the cost
 * routed against everything at the top tier and everything at the cheapest model, and the same for quality.
 *
 * @param places each place a decision landed (tier or basket) and its model
 */
public record EvalReport(long rulesVersion, String mapping, String topModel, String cheapestModel, Map<String, String> places,
                         List<Summary> sources, Duration elapsed) {

    /** One source's sums; quality sums are of per-answer scores from 0 to 1. */
    public record Summary(String source, long requests, Map<String, Long> places, Money routedCost, Money topCost, Money cheapestCost,
                          double routedQuality, double topQuality, double cheapestQuality) {

        public double routedMean() {
            return mean(routedQuality);
        }

        public double topMean() {
            return mean(topQuality);
        }

        public double cheapestMean() {
            return mean(cheapestQuality);
        }

        /** The share of the top tier's quality kept by routing (1 when the top tier scores 0). */
        public double kept() {
            return topQuality == 0 ? 1 : routedQuality / topQuality;
        }

        private double mean(double sum) {
            return requests == 0 ? 0 : sum / requests;
        }

        /** Dollars per quality point (one point: one answer of quality 1); empty when no quality was scored. */
        static java.util.Optional<BigDecimal> perPoint(Money cost, double quality) {
            if (quality <= 0) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(cost.dollars().divide(BigDecimal.valueOf(quality), 9, RoundingMode.HALF_UP).stripTrailingZeros());
        }
    }

    /** The overall summary. */
    public Summary all() {
        return sources.getLast();
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("rules_version", rulesVersion);
        n.put("mapping", mapping);
        n.put("top_model", topModel);
        n.put("cheapest_model", cheapestModel);
        ObjectNode p = n.putObject("places");
        places.forEach(p::put);
        ArrayNode arr = n.putArray("sources");
        for (Summary s : sources) {
            ObjectNode o = arr.addObject();
            o.put("source", s.source());
            o.put("requests", s.requests());
            ObjectNode sp = o.putObject("places");
            s.places().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sp.put(e.getKey(), e.getValue()));
            ObjectNode cost = o.putObject("cost_usd");
            cost.put("routed", s.routedCost().dollars()).put("top", s.topCost().dollars()).put("cheapest", s.cheapestCost().dollars());
            ObjectNode q = o.putObject("quality_mean");
            q.put("routed", s.routedMean()).put("top", s.topMean()).put("cheapest", s.cheapestMean());
            o.put("top_quality_kept", s.kept());
            ObjectNode pp = o.putObject("usd_per_quality_point");
            pp.put("routed", Summary.perPoint(s.routedCost(), s.routedQuality()).orElse(null));
            pp.put("top", Summary.perPoint(s.topCost(), s.topQuality()).orElse(null));
            pp.put("cheapest", Summary.perPoint(s.cheapestCost(), s.cheapestQuality()).orElse(null));
        }
        n.put("elapsed_ms", elapsed.toMillis());
        return n;
    }

    public String toCsv() {
        List<String> cols = placeColumns();
        StringBuilder sb = new StringBuilder("source,requests");
        cols.forEach(c -> sb.append(",n_").append(c));
        sb.append(",cost_routed_usd,cost_top_usd,cost_cheapest_usd,quality_routed,quality_top,quality_cheapest,top_quality_kept,"
                + "usd_per_point_routed,usd_per_point_top,usd_per_point_cheapest\n");
        for (Summary s : sources) {
            sb.append(s.source()).append(',').append(s.requests());
            cols.forEach(c -> sb.append(',').append(s.places().getOrDefault(c, 0L)));
            sb.append(',').append(s.routedCost().dollars().toPlainString()).append(',').append(s.topCost().dollars().toPlainString())
                    .append(',').append(s.cheapestCost().dollars().toPlainString())
                    .append(',').append(f4(s.routedMean())).append(',').append(f4(s.topMean())).append(',').append(f4(s.cheapestMean()))
                    .append(',').append(f4(s.kept()))
                    .append(',').append(plain(Summary.perPoint(s.routedCost(), s.routedQuality())))
                    .append(',').append(plain(Summary.perPoint(s.topCost(), s.topQuality())))
                    .append(',').append(plain(Summary.perPoint(s.cheapestCost(), s.cheapestQuality()))).append('\n');
        }
        return sb.toString();
    }

    /** A table for the terminal. */
    public String toTable() {
        List<String> cols = placeColumns();
        StringBuilder sb = new StringBuilder();
        sb.append("ruleset version ").append(rulesVersion).append("; mapping ").append(mapping).append('\n');
        sb.append("places: ");
        places.forEach((k, v) -> sb.append(k).append('=').append(v).append("  "));
        sb.append("\ntop = ").append(topModel).append(" (strong answers), cheapest = ").append(cheapestModel).append(" (weak answers)\n");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s %6s", "source", "rows"));
        cols.forEach(c -> head.append(String.format(Locale.ROOT, " %6s", c)));
        head.append(String.format(Locale.ROOT, " | %11s %11s %11s | %6s %6s %6s | %6s | %9s %9s",
                "$ routed", "$ top", "$ cheapest", "q rout", "q top", "q chp", "kept", "$/pt rout", "$/pt top"));
        sb.append(head).append('\n');
        for (Summary s : sources) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s %6d", s.source(), s.requests()));
            cols.forEach(c -> line.append(String.format(Locale.ROOT, " %6d", s.places().getOrDefault(c, 0L))));
            line.append(String.format(Locale.ROOT, " | %11s %11s %11s | %6s %6s %6s | %6s | %9s %9s",
                    usd(s.routedCost()), usd(s.topCost()), usd(s.cheapestCost()), f4(s.routedMean()), f4(s.topMean()), f4(s.cheapestMean()),
                    f4(s.kept()), round(Summary.perPoint(s.routedCost(), s.routedQuality())), round(Summary.perPoint(s.topCost(), s.topQuality()))));
            sb.append(line).append('\n');
        }
        sb.append("(").append(all().requests()).append(" rows in ").append(elapsed.toMillis()).append(" ms)\n");
        return sb.toString();
    }

    private List<String> placeColumns() {
        return List.copyOf(new TreeSet<>(places.keySet()));
    }

    static String f4(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    private static String usd(Money m) {
        return m.dollars().setScale(6, RoundingMode.HALF_UP).toPlainString();
    }

    private static String round(java.util.Optional<BigDecimal> v) {
        return v.map(d -> d.setScale(7, RoundingMode.HALF_UP).toPlainString()).orElse("-");
    }

    private static String plain(java.util.Optional<BigDecimal> v) {
        return v.map(BigDecimal::toPlainString).orElse("");
    }
}
