package io.hpp.router.store;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the hourly and daily totals of the request log ({@code stats_hour_model}, {@code stats_hour_key} and their
 * {@code stats_day_} twins) that {@link Stats} reads for the hours and days they cover, so a month's statistics sum
 * thousands of rows instead of millions. A day's totals are summed from its hours' each time one of those is.
 *
 * <p>An hour is summed once, when it has been closed for {@link #SETTLE_MILLIS}: every log row of the hour is stored by
 * then unless its request outlived {@link #LATE_MILLIS} or its settlement was replayed from a journal after a crash. Such
 * a late row marks its hour in {@code stats_dirty} in its settlement's own transaction ({@link #markIfLate}); a marked
 * hour is summed again. The mark is taken before the hour is read again, so a row stored meanwhile leaves a mark of its
 * own: no row is ever missed, at worst an hour is summed twice. The margin between the two constants absorbs clocks
 * that differ between nodes by up to five minutes.
 *
 * <p>Each hour is one transaction (on SQLite it holds the writer for one hour's {@code GROUP BY}: 20 ms for the 14,000
 * rows an hour of a 10-million-row month holds). On PostgreSQL a transaction-scoped advisory lock lets one node at a time
 * work; the others skip the round.
 */
final class StatsRollup {
    static final long HOUR = 3_600_000L;
    /** A log row stored this long after its request started marks its hour to be summed again. */
    static final long LATE_MILLIS = 10 * 60_000L;
    /** An hour is summed this long after it closed. */
    static final long SETTLE_MILLIS = 15 * 60_000L;
    /** Hours before this many days ago are never summed: no statistics window reaches them. */
    static final int KEEP_DAYS = 32;
    private static final long ADVISORY_LOCK = 0x4850505354415453L; // "HPPSTATS"
    private static final String ROLLED = "stats_rolled_through";

    private static final String MEASURES = "COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), "
            + "COALESCE(SUM(prompt_tokens + completion_tokens), 0), COALESCE(SUM(cost_nanos), 0), "
            + "COALESCE(SUM(CASE WHEN baseline_cost_nanos IS NULL THEN 0 ELSE baseline_cost_nanos - cost_nanos END), 0)";
    private static final String MODEL_HOUR = "INSERT INTO stats_hour_model (hour, model, deployment, basket, tier, requests, errors, "
            + "tokens, cost_nanos, saved_nanos) SELECT ?, COALESCE(resolved_model, requested_model), COALESCE(deployment, ''), "
            + "COALESCE(basket, ''), COALESCE(tier, ''), " + MEASURES + " FROM request_log WHERE created_at >= ? AND created_at < ? "
            + "GROUP BY COALESCE(resolved_model, requested_model), COALESCE(deployment, ''), COALESCE(basket, ''), COALESCE(tier, '')";
    private static final String KEY_HOUR = "INSERT INTO stats_hour_key (hour, consumer_id, key_id, requests, errors, tokens, "
            + "cost_nanos, saved_nanos) SELECT ?, consumer_id, key_id, " + MEASURES
            + " FROM request_log WHERE created_at >= ? AND created_at < ? GROUP BY consumer_id, key_id";

    private static final String TOTALS = "SUM(requests), SUM(errors), SUM(tokens), SUM(cost_nanos), SUM(saved_nanos)";
    private static final String MODEL_DAY = "INSERT INTO stats_day_model (day, model, deployment, basket, tier, requests, errors, "
            + "tokens, cost_nanos, saved_nanos) SELECT ?, model, deployment, basket, tier, " + TOTALS
            + " FROM stats_hour_model WHERE hour >= ? AND hour < ? GROUP BY model, deployment, basket, tier";
    private static final String KEY_DAY = "INSERT INTO stats_day_key (day, consumer_id, key_id, requests, errors, tokens, "
            + "cost_nanos, saved_nanos) SELECT ?, consumer_id, key_id, " + TOTALS
            + " FROM stats_hour_key WHERE hour >= ? AND hour < ? GROUP BY consumer_id, key_id";

    private StatsRollup() {
    }

    /** In a settlement's transaction: marks the hour of a log row stored late (see the class comment). */
    static void markIfLate(Jdbc.Tx tx, long createdAt, long now) throws SQLException {
        if (createdAt < now - LATE_MILLIS) {
            tx.update("INSERT INTO stats_dirty (hour) VALUES (?) ON CONFLICT (hour) DO NOTHING", createdAt / HOUR);
        }
    }

    /**
     * Sums every closed hour not summed yet and every marked one, at most {@code maxHours} of them, one transaction
     * each; returns how many were summed.
     */
    static int run(Jdbc jdbc, Dialect dialect, long now, int maxHours) {
        int done = 0;
        while (done < maxHours && jdbc.inTransaction(tx -> step(tx, dialect, now))) {
            done++;
        }
        return done;
    }

    /** The first hour not summed yet: every hour before it is in the totals (or older than {@link #KEEP_DAYS}). */
    static long rolledThrough(Jdbc.Tx tx) throws SQLException {
        List<String> v = tx.query("SELECT value FROM router_meta WHERE name = ?", rs -> rs.getString(1), ROLLED);
        return v.isEmpty() ? Long.MIN_VALUE : Long.parseLong(v.getFirst());
    }

    /** Sums one hour (a marked one first); false when there was nothing to do or another node is at it. */
    private static boolean step(Jdbc.Tx tx, Dialect dialect, long now) throws SQLException {
        if (dialect == Dialect.POSTGRES
                && !tx.query("SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), ADVISORY_LOCK).getFirst()) {
            return false;
        }
        long closed = (now - SETTLE_MILLIS) / HOUR; // hours before this one may be summed
        long rolled = rolledThrough(tx);
        if (rolled == Long.MIN_VALUE) {
            rolled = firstHour(tx, closed);
            tx.update("INSERT INTO router_meta (name, value) VALUES (?, ?)", ROLLED, Long.toString(rolled));
        }
        Optional<Long> dirty = tx.query("SELECT hour FROM stats_dirty ORDER BY hour LIMIT 1", rs -> rs.getLong(1)).stream().findFirst();
        if (dirty.isPresent()) {
            tx.update("DELETE FROM stats_dirty WHERE hour = ?", dirty.get());
            if (dirty.get() < rolled) {
                sum(tx, dirty.get());
            }
            return true;
        }
        if (rolled >= closed) {
            return false;
        }
        sum(tx, rolled);
        tx.update("UPDATE router_meta SET value = ? WHERE name = ?", Long.toString(rolled + 1), ROLLED);
        return true;
    }

    /** The first hour to sum on a database that never was: the log's first, but no more than {@link #KEEP_DAYS} back. */
    private static long firstHour(Jdbc.Tx tx, long closed) throws SQLException {
        List<Long> first = tx.query("SELECT MIN(created_at) FROM request_log", rs -> rs.getObject(1) == null ? null : rs.getLong(1));
        long oldest = closed - KEEP_DAYS * 24L;
        return first.isEmpty() || first.getFirst() == null ? closed : Math.min(closed, Math.max(oldest, first.getFirst() / HOUR));
    }

    /** Replaces the hour's totals with a fresh sum of its log rows, and its day's with a fresh sum of the day's hours. */
    private static void sum(Jdbc.Tx tx, long hour) throws SQLException {
        long from = hour * HOUR;
        tx.update("DELETE FROM stats_hour_model WHERE hour = ?", hour);
        tx.update("DELETE FROM stats_hour_key WHERE hour = ?", hour);
        tx.update(MODEL_HOUR, hour, from, from + HOUR);
        tx.update(KEY_HOUR, hour, from, from + HOUR);
        long day = Math.floorDiv(hour, 24);
        tx.update("DELETE FROM stats_day_model WHERE day = ?", day);
        tx.update("DELETE FROM stats_day_key WHERE day = ?", day);
        tx.update(MODEL_DAY, day, day * 24, day * 24 + 24);
        tx.update(KEY_DAY, day, day * 24, day * 24 + 24);
    }
}
