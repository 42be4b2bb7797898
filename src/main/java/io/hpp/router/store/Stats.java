package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Aggregates of the request log for operators: totals per time bucket and the top consumers, models, keys or baskets
 * by spend. Summed in the database (one {@code GROUP BY} over the {@code (created_at, id)} index range), never by
 * reading rows into memory.
 */
public final class Stats {
    private Stats() {
    }

    /** A time bucket's width; buckets are aligned to the epoch, so days are UTC days. */
    public enum Bucket {
        HOUR(3_600_000L), DAY(86_400_000L);

        private final long millis;

        Bucket(long millis) {
            this.millis = millis;
        }

        public long millis() {
            return millis;
        }
    }

    /** What a top list groups by; each names its log column (a constant, never client text). */
    public enum TopBy {
        CONSUMER("consumer_id"), MODEL("COALESCE(resolved_model, requested_model)"), KEY("key_id"), BASKET("basket");

        private final String column;

        TopBy(String column) {
            this.column = column;
        }
    }

    /**
     * One bucket's totals. {@code errors}: rows with a status of 400 or more; {@code tokens}: prompt plus completion;
     * {@code saved}: for {@code hpprouter/auto} requests, what the ruleset's most expensive tier would have cost minus
     * what they cost.
     */
    public record Point(Instant start, long requests, long errors, long tokens, Money spend, Money saved) {
    }

    /** One row of a top list: the consumer id, model, key id or basket, and its totals. */
    public record Top(String key, long requests, long tokens, Money spend) {
    }

    private static final String TOTALS = "COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), "
            + "COALESCE(SUM(prompt_tokens + completion_tokens), 0), COALESCE(SUM(cost_nanos), 0), "
            + "COALESCE(SUM(CASE WHEN baseline_cost_nanos IS NULL THEN 0 ELSE baseline_cost_nanos - cost_nanos END), 0)";

    /** Every bucket from the one {@code since} falls in to the one before {@code until}, empty buckets as zeros. */
    static List<Point> timeseries(Jdbc jdbc, Bucket bucket, Instant since, Instant until, Optional<String> consumerId) {
        long width = bucket.millis();
        // the width is inlined (an enum constant): PostgreSQL groups by an expression only if it is the selected one
        StringBuilder sql = new StringBuilder("SELECT created_at / " + width + " AS b, " + TOTALS
                + " FROM request_log WHERE created_at >= ? AND created_at < ?");
        List<Object> params = new ArrayList<>(List.of(since.toEpochMilli(), until.toEpochMilli()));
        consumerId.ifPresent(id -> {
            sql.append(" AND consumer_id = ?");
            params.add(id);
        });
        sql.append(" GROUP BY created_at / ").append(width);
        Map<Long, Point> found = new HashMap<>();
        jdbc.query(sql.toString(), rs -> found.put(rs.getLong(1), new Point(Instant.ofEpochMilli(rs.getLong(1) * width), rs.getLong(2),
                rs.getLong(3), rs.getLong(4), new Money(rs.getLong(5)), new Money(rs.getLong(6)))), params.toArray());
        List<Point> out = new ArrayList<>();
        for (long b = since.toEpochMilli() / width; b <= (until.toEpochMilli() - 1) / width; b++) {
            out.add(found.getOrDefault(b, new Point(Instant.ofEpochMilli(b * width), 0, 0, 0, Money.ZERO, Money.ZERO)));
        }
        return out;
    }

    /** The {@code limit} largest by spend (then requests, then key) in [since, until); baskets of auto requests only. */
    static List<Top> top(Jdbc jdbc, TopBy by, Instant since, Instant until, int limit) {
        String sql = "SELECT " + by.column + " AS k, COUNT(*) AS n, COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS t, "
                + "COALESCE(SUM(cost_nanos), 0) AS s FROM request_log WHERE created_at >= ? AND created_at < ? AND "
                + by.column + " IS NOT NULL GROUP BY " + by.column + " ORDER BY s DESC, n DESC, k LIMIT ?";
        return jdbc.query(sql, rs -> new Top(rs.getString(1), rs.getLong(2), rs.getLong(3), new Money(rs.getLong(4))),
                since.toEpochMilli(), until.toEpochMilli(), limit);
    }
}
