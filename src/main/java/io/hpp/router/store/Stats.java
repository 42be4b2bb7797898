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
        CONSUMER("consumer_id", "stats_hour_key", "consumer_id"),
        MODEL("COALESCE(resolved_model, requested_model)", "stats_hour_model", "model"),
        KEY("key_id", "stats_hour_key", "key_id"),
        /** The deployment ({@code provider:upstream_model}) that served or last failed: a provider's share is its deployments'. */
        DEPLOYMENT("deployment", "stats_hour_model", "deployment"),
        BASKET("basket", "stats_hour_model", "basket"),
        TIER("tier", "stats_hour_model", "tier");

        private final String logColumn;
        private final String table;
        private final String column;

        TopBy(String logColumn, String table, String column) {
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

    /**
     * Where a window [since, until) is read: hours [fromHour, toHour) from the hourly totals, the log for
     * [since, fromHour) and [toHour, until) (empty ranges when the window is inside one hour or nothing is summed).
     */
    record Split(long since, long until, long fromHour, long toHour) {
        static Split of(Instant since, Instant until, long rolledThrough) {
            long s = since.toEpochMilli();
            long u = until.toEpochMilli();
            long from = Math.ceilDiv(s, StatsRollup.HOUR);
            long to = Math.min(Math.floorDiv(u, StatsRollup.HOUR), rolledThrough);
            return from < to ? new Split(s, u, from, to) : new Split(s, u, 0, 0);
        }

        private long firstLogEnd() {
            return fromHour < toHour ? fromHour * StatsRollup.HOUR : until;
        }

        private long lastLogStart() {
            return fromHour < toHour ? toHour * StatsRollup.HOUR : until;
        }

        /** The parameters of {@link #union}'s four parts, each followed by the filter's values. */
        private Object[] params(List<Object> filter, Object... after) {
            List<Object> p = new ArrayList<>();
            for (List<Long> range : List.of(List.of(fromHour, toHour), List.of(since, firstLogEnd()), List.of(lastLogStart(), until),
                    List.of(fromHour, toHour))) {
                p.addAll(range);
                p.addAll(filter);
            }
            p.addAll(List.of(after));
            return p.toArray();
        }
    }

    private static final String LOG_MEASURES = "1 AS n, CASE WHEN status >= 400 THEN 1 ELSE 0 END AS e, "
            + "prompt_tokens + completion_tokens AS t, cost_nanos AS c, "
            + "CASE WHEN baseline_cost_nanos IS NULL THEN 0 ELSE baseline_cost_nanos - cost_nanos END AS s";
    private static final String TOTAL_MEASURES = "requests AS n, errors AS e, tokens AS t, cost_nanos AS c, saved_nanos AS s";

    /**
     * The hourly table's rows in the summed hours that are not marked to be summed again; the log's rows in the two
     * ranges around them; and the log's rows of the marked hours (usually none: a row stored late marks its hour until
     * the next round sums it again). So the totals equal the log's at every moment.
     */
    private static String union(String table, String tableKey, String logKey, String tableWhere, String where) {
        String log = " UNION ALL SELECT " + logKey + " AS k, " + LOG_MEASURES + " FROM request_log WHERE created_at >= ? AND created_at < ?" + where;
        return "SELECT " + tableKey + " AS k, " + TOTAL_MEASURES + " FROM " + table + " WHERE hour >= ? AND hour < ?" + tableWhere + where
                + " AND hour NOT IN (SELECT hour FROM stats_dirty)" + log + log
                + " UNION ALL SELECT " + logKey + " AS k, " + LOG_MEASURES + " FROM stats_dirty d JOIN request_log r"
                + " ON r.created_at >= d.hour * " + StatsRollup.HOUR + " AND r.created_at < (d.hour + 1) * " + StatsRollup.HOUR
                + " WHERE d.hour >= ? AND d.hour < ?" + where;
    }

    /** Every bucket from the one {@code since} falls in to the one before {@code until}, empty buckets as zeros. */
    static List<Point> timeseries(Jdbc jdbc, Bucket bucket, Instant since, Instant until, Filter filter, long rolledThrough) {
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
        String table = filter.any() ? "stats_hour_key" : "stats_hour_model";
        String sql = "SELECT k, SUM(n), SUM(e), SUM(t), SUM(c), SUM(s) FROM ("
                + union(table, "hour / " + width / StatsRollup.HOUR, "created_at / " + width, "", where.toString()) + ") u GROUP BY k";
        Split split = Split.of(since, until, rolledThrough);
        Map<Long, Point> found = new HashMap<>();
        jdbc.query(sql, rs -> found.put(rs.getLong(1), new Point(Instant.ofEpochMilli(rs.getLong(1) * width), rs.getLong(2),
                rs.getLong(3), rs.getLong(4), new Money(rs.getLong(5)), new Money(rs.getLong(6)))), split.params(values));
        List<Point> out = new ArrayList<>();
        for (long b = since.toEpochMilli() / width; b <= (until.toEpochMilli() - 1) / width; b++) {
            out.add(found.getOrDefault(b, new Point(Instant.ofEpochMilli(b * width), 0, 0, 0, Money.ZERO, Money.ZERO)));
        }
        return out;
    }

    /** The {@code limit} largest by spend (then requests, then key) in [since, until); baskets and tiers of auto requests only. */
    static List<Top> top(Jdbc jdbc, TopBy by, Instant since, Instant until, int limit, long rolledThrough) {
        // summed hours keep a missing basket or tier as '' (a key column cannot be NULL); the log keeps NULL
        String sql = "SELECT k, SUM(n) AS n2, SUM(t) AS t2, SUM(c) AS c2 FROM ("
                + union(by.table, by.column, by.logColumn, " AND " + by.column + " <> ''", "") + ") u WHERE k IS NOT NULL GROUP BY k ORDER BY c2 DESC, n2 DESC, k LIMIT ?";
        Split split = Split.of(since, until, rolledThrough);
        return jdbc.query(sql, rs -> new Top(rs.getString(1), rs.getLong(2), rs.getLong(3), new Money(rs.getLong(4))),
                split.params(List.of(), limit));
    }
}
