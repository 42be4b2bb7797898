package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** What the console's numbers must be, computed from the request log's rows as {@code /admin/v1/requests} lists them. */
final class ConsoleLog {
    private ConsoleLog() {
    }

    /** The histogram's upper bounds (LogHealth's) up to 100 s: a percentile is the bound of its value's bucket. */
    private static final long[] BOUNDS = {1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 80, 100, 125, 160, 200, 250,
        320, 400, 500, 630, 800, 1_000, 1_250, 1_600, 2_000, 2_500, 3_200, 4_000, 5_000, 6_300, 8_000, 10_000, 12_500, 16_000,
        20_000, 25_000, 32_000, 40_000, 50_000, 63_000, 80_000, 100_000};

    static Set<String> ids(List<JsonNode> rows) {
        return rows.stream().map(r -> r.get("id").asText()).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static Set<String> ids(List<JsonNode> rows, Predicate<JsonNode> which) {
        return ids(rows.stream().filter(which).toList());
    }

    /** The histogram bound a value is counted under. */
    static long bound(long ms) {
        for (long b : BOUNDS) {
            if (ms <= b) {
                return b;
            }
        }
        throw new AssertionError("no test request takes " + ms + " ms");
    }

    /** The nearest-rank percentile of values, as its bucket's bound: what the endpoint must say. */
    static long percentile(List<Long> values, int percent) {
        List<Long> sorted = values.stream().sorted().toList();
        return bound(sorted.get((int) Math.max(1, Math.ceilDiv(sorted.size() * (long) percent, 100)) - 1));
    }

    /** A top list's rows: requests and spend (scale-free, so 0.25 equals 0.250). */
    record Sums(long requests, BigDecimal spend) {
        Sums plus(Sums o) {
            return new Sums(requests + o.requests, spend.add(o.spend).stripTrailingZeros());
        }
    }

    /** The rows' count and cost summed by {@code key} (rows it maps to null are left out, as a top list leaves them). */
    static Map<String, Sums> sums(List<JsonNode> rows, Function<JsonNode, String> key) {
        Map<String, Sums> out = new HashMap<>();
        for (JsonNode e : rows) {
            String k = key.apply(e);
            if (k != null) {
                out.merge(k, new Sums(1, e.get("cost").decimalValue().stripTrailingZeros()), Sums::plus);
            }
        }
        return out;
    }

    /** One provider's row of {@code /admin/v1/stats/providers}. */
    static JsonNode provider(JsonNode body, String name) {
        for (JsonNode p : body.get("data")) {
            if (p.get("provider").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no provider " + name + " in " + body);
    }
}
