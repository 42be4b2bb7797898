package io.hpp.router.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How each model's requests went, per deployment that served them, in a window of the log: how many, how many failed on the provider's side, and
 * histograms of their latency and of streamed requests' time to first token. The database counts rows per histogram
 * bucket ({@code GROUP BY}); percentiles are read off the counts, to the bucket's upper bound: ten buckets a decade,
 * so a percentile is at most 25% above the true value. SQLite has no percentile function; this is the same on both.
 */
public final class LogHealth {
    /** Upper bounds of the histogram buckets in milliseconds; a last bucket holds everything above. */
    static final long[] BOUNDS = {1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 80, 100, 125, 160, 200, 250, 320,
        400, 500, 630, 800, 1_000, 1_250, 1_600, 2_000, 2_500, 3_200, 4_000, 5_000, 6_300, 8_000, 10_000, 12_500, 16_000,
        20_000, 25_000, 32_000, 40_000, 50_000, 63_000, 80_000, 100_000, 125_000, 160_000, 200_000, 250_000, 320_000,
        400_000, 500_000, 630_000, 800_000, 1_000_000};
    /** Buckets in a histogram: one per bound and the open one above the last. */
    public static final int HISTOGRAM_SIZE = BOUNDS.length + 1;

    private LogHealth() {
    }

    /**
     * One model's requests in the window that one deployment served ({@code ""}: none was reached). {@code failures}:
     * answered with a status of 500 or more (the provider failed, timed out or could not be reached; a client's bad
     * request is not the provider's failure).
     */
    public record ModelHealth(String model, String deployment, long requests, long failures, long[] latency, long[] ttft) {
        /** The provider that served or last failed: the deployment's, else empty (the caller asks the catalog). */
        public java.util.Optional<String> deploymentProvider() {
            int colon = deployment.indexOf(':');
            return colon > 0 ? java.util.Optional.of(deployment.substring(0, colon)) : java.util.Optional.empty();
        }
    }

    /** Every model with requests in [since, until), read through the log's {@code (created_at, id)} index. */
    static List<ModelHealth> read(Jdbc jdbc, Instant since, Instant until) {
        Map<String, ModelHealth> byModel = new HashMap<>();
        String model = "COALESCE(resolved_model, requested_model)";
        jdbc.query("SELECT " + model + ", COALESCE(deployment, ''), " + bucket("latency_ms") + ", COUNT(*), "
                        + "SUM(CASE WHEN status >= 500 THEN 1 ELSE 0 END) FROM request_log WHERE created_at >= ? AND created_at < ? "
                        + "GROUP BY 1, 2, 3",
                rs -> {
                    ModelHealth h = of(byModel, rs.getString(1), rs.getString(2));
                    byModel.put(h.model() + '\n' + h.deployment(), new ModelHealth(h.model(), h.deployment(),
                            h.requests() + rs.getLong(4), h.failures() + rs.getLong(5), h.latency(), h.ttft()));
                    h.latency()[rs.getInt(3)] += rs.getLong(4);
                    return null;
                }, since.toEpochMilli(), until.toEpochMilli());
        jdbc.query("SELECT " + model + ", COALESCE(deployment, ''), " + bucket("ttft_ms") + ", COUNT(*) FROM request_log "
                        + "WHERE created_at >= ? AND created_at < ? AND streamed = 1 AND ttft_ms IS NOT NULL GROUP BY 1, 2, 3",
                rs -> {
                    of(byModel, rs.getString(1), rs.getString(2)).ttft()[rs.getInt(3)] += rs.getLong(4);
                    return null;
                }, since.toEpochMilli(), until.toEpochMilli());
        return List.copyOf(byModel.values());
    }

    private static ModelHealth of(Map<String, ModelHealth> byModel, String model, String deployment) {
        return byModel.computeIfAbsent(model + '\n' + deployment,
                k -> new ModelHealth(model, deployment, 0, 0, new long[HISTOGRAM_SIZE], new long[HISTOGRAM_SIZE]));
    }

    /** The bucket index of a column's value, as SQL: a chain of comparisons (constants only). */
    private static String bucket(String column) {
        StringBuilder sql = new StringBuilder("CASE");
        for (int i = 0; i < BOUNDS.length; i++) {
            sql.append(" WHEN ").append(column).append(" <= ").append(BOUNDS[i]).append(" THEN ").append(i);
        }
        return sql.append(" ELSE ").append(BOUNDS.length).append(" END").toString();
    }

    /** Adds {@code from}'s counts into {@code into}. */
    public static void merge(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /**
     * The {@code percent}th percentile of a histogram, as its bucket's upper bound in milliseconds; for the last,
     * open bucket, the last bound. Empty when the histogram counts nothing.
     */
    public static OptionalLong percentile(long[] histogram, int percent) {
        long total = 0;
        for (long n : histogram) {
            total += n;
        }
        if (total == 0) {
            return OptionalLong.empty();
        }
        long rank = Math.max(1, Math.ceilDiv(total * percent, 100)); // nearest-rank
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return OptionalLong.of(BOUNDS[Math.min(i, BOUNDS.length - 1)]);
            }
        }
        throw new IllegalStateException("unreachable: the ranks add up to " + total);
    }
}
