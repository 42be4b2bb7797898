package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Aggregates of the request log for operators: totals per time bucket and the top consumers, models, keys, deployments,
 * baskets or tiers by spend. Summed in the database, never by reading rows into memory: the hours {@link StatsRollup} has summed
 * are read from its hourly totals, the rest of the window (its partial first and last hours, and the last hour or so
 * not summed yet) from the log through its {@code (created_at, id)} index. One statement, so one snapshot.
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

    /** What a top list groups by: its log expression and the hourly table and column that hold it (constants). */
    public enum TopBy {
        CONSUMER("consumer_id", StatsSql.Totals.KEY, "consumer_id"),
        MODEL("COALESCE(resolved_model, requested_model)", StatsSql.Totals.MODEL, "model"),
        KEY("key_id", StatsSql.Totals.KEY, "key_id"),
        /** The deployment ({@code provider:upstream_model}) that served or last failed: a provider's share is its deployments'. */
        DEPLOYMENT("deployment", StatsSql.Totals.MODEL, "deployment"),
        BASKET("basket", StatsSql.Totals.MODEL, "basket"),
        TIER("tier", StatsSql.Totals.MODEL, "tier");

        private final String logColumn;
        private final StatsSql.Totals table;
        private final String column;

        TopBy(String logColumn, StatsSql.Totals table, String column) {
            this.logColumn = logColumn;
            this.table = table;
            this.column = column;
        }
    }

    /** Which rows a time series counts: all, or one consumer's, or one key's. */
    public record Filter(Optional<String> consumerId, Optional<String> keyId) {
        public static final Filter ALL = new Filter(Optional.empty(), Optional.empty());

        boolean any() {
            return consumerId.isPresent() || keyId.isPresent();
        }
    }

    /**
     * One bucket's totals. {@code errors}: rows with a status of 400 or more; {@code tokens}: prompt plus completion;
     * {@code saved}: for {@code hpprouter/auto} requests, what the ruleset's most expensive tier would have cost minus
     * what they cost.
     */
    public record Point(Instant start, long requests, long errors, long tokens, Money spend, Money saved) {
    }

    /** One row of a top list: the consumer id, model, key id, basket or tier, and its totals. */
    public record Top(String key, long requests, long tokens, Money spend) {
    }

    /** Every bucket from the one {@code since} falls in to the one before {@code until}, empty buckets as zeros. */
    static List<Point> timeseries(Jdbc jdbc, Bucket bucket, Instant since, Instant until, Filter filter, StatsSql.Summed summed) {
        long width = bucket.millis();
        StringBuilder where = new StringBuilder();
        List<Object> values = new ArrayList<>();
        filter.consumerId().ifPresent(id -> {
            where.append(" AND consumer_id = ?");
            values.add(id);
        });
        filter.keyId().ifPresent(id -> {
            where.append(" AND key_id = ?");
            values.add(id);
        });
        // a filtered series reads the per-key totals; an unfiltered one the smaller per-model totals
        StatsSql.Totals table = filter.any() ? StatsSql.Totals.KEY : StatsSql.Totals.MODEL;
        StatsSql.Split split = StatsSql.Split.of(since, until, summed, bucket == Bucket.DAY);
        StatsSql.Built rows = StatsSql.build(split, table, "day", "hour / " + width / StatsRollup.HOUR, "created_at / " + width, "",
                where.toString(), values);
        String sql = "SELECT k, SUM(n), SUM(e), SUM(t), SUM(c), SUM(s) FROM (" + rows.sql() + ") u GROUP BY k";
        Map<Long, Point> found = new HashMap<>();
        jdbc.query(sql, rs -> found.put(rs.getLong(1), new Point(Instant.ofEpochMilli(rs.getLong(1) * width), rs.getLong(2),
                rs.getLong(3), rs.getLong(4), new Money(rs.getLong(5)), new Money(rs.getLong(6)))), rows.params());
        List<Point> out = new ArrayList<>();
        for (long b = since.toEpochMilli() / width; b <= (until.toEpochMilli() - 1) / width; b++) {
            out.add(found.getOrDefault(b, new Point(Instant.ofEpochMilli(b * width), 0, 0, 0, Money.ZERO, Money.ZERO)));
        }
        return out;
    }

    /** The {@code limit} largest by spend (then requests, then key) in [since, until); baskets and tiers of auto requests only. */
    static List<Top> top(Jdbc jdbc, TopBy by, Instant since, Instant until, int limit, StatsSql.Summed summed) {
        // summed hours keep a missing basket or tier as '' (a key column cannot be NULL); the log keeps NULL
        StatsSql.Built rows = StatsSql.build(StatsSql.Split.of(since, until, summed, true), by.table, by.column, by.column, by.logColumn,
                " AND " + by.column + " <> ''", "", List.of(), limit);
        String sql = "SELECT k, SUM(n) AS n2, SUM(t) AS t2, SUM(c) AS c2 FROM (" + rows.sql()
                + ") u WHERE k IS NOT NULL GROUP BY k ORDER BY c2 DESC, n2 DESC, k LIMIT ?";
        return jdbc.query(sql, rs -> new Top(rs.getString(1), rs.getLong(2), rs.getLong(3), new Money(rs.getLong(4))), rows.params());
    }
}
