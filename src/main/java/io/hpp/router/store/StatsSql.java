package io.hpp.router.store;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one statement that sums a window of the log for {@link Stats}: whole days from the daily totals, whole hours
 * around them from the hourly totals, the partial hours at the ends and the hours not summed yet from the log. An hour
 * marked to be summed again (a row stored late) is read from the log, and its day from its other hours, until then. So
 * every answer equals the log's, read in one snapshot.
 *
 * <p>The marked hours are read first and written into the statement as numbers (there are usually none, and then
 * the statement has no part for them): a join against the marks table made PostgreSQL's planner, which takes an empty
 * table for ten pages of rows, scan the whole log for it — 2.6 s a query on ten million rows (bench/stats-10m.sh).
 * Reading them first is still exact: an hour summed again in between is read from the log, which is the truth.
 */
final class StatsSql {
    private static final long HOUR = StatsRollup.HOUR;
    /** More marked hours than this in a window (a large journal replayed): the window is read from the log alone. */
    static final int MAX_MARKED = 48;

    /** The hourly and daily tables of one set of key columns. */
    enum Totals {
        MODEL("stats_hour_model", "stats_day_model"), KEY("stats_hour_key", "stats_day_key");

        final String hours;
        final String days;

        Totals(String hours, String days) {
            this.hours = hours;
            this.days = days;
        }
    }

    /** What is summed: every hour before {@code rolledThrough} except the marked ones. */
    record Summed(long rolledThrough, List<Long> marked) {
        static Summed read(Jdbc.Tx tx) throws SQLException {
            return new Summed(StatsRollup.rolledThrough(tx),
                    tx.query("SELECT hour FROM stats_dirty ORDER BY hour LIMIT " + (MAX_MARKED * 32), rs -> rs.getLong(1)));
        }
    }

    private StatsSql() {
    }

    /**
     * A window [since, until) cut into the log before hour {@code hourFrom}, hours [hourFrom, dayFrom × 24), days
     * [dayFrom, dayTo), hours [dayTo × 24, hourTo), the log from hour {@code hourTo}, and the marked hours inside.
     * Without summed hours inside the window (it is short, or recent), all of it is read from the log.
     */
    record Split(long since, long until, long hourFrom, long hourTo, long dayFrom, long dayTo, List<Long> marked) {
        /** @param days whether whole days may be read as one (not for an hourly series) */
        static Split of(Instant since, Instant until, Summed summed, boolean days) {
            long s = since.toEpochMilli();
            long u = until.toEpochMilli();
            long hf = Math.ceilDiv(s, HOUR);
            long ht = Math.min(Math.floorDiv(u, HOUR), summed.rolledThrough());
            List<Long> marked = summed.marked().stream().filter(h -> h >= hf && h < ht).toList();
            if (hf >= ht || marked.size() > MAX_MARKED) {
                return new Split(s, u, 0, 0, 0, 0, List.of());
            }
            long df = Math.ceilDiv(hf, 24);
            long dt = Math.floorDiv(ht, 24);
            return days && df < dt ? new Split(s, u, hf, ht, df, dt, marked) : new Split(s, u, hf, ht, 0, 0, marked);
        }

        private boolean hours() {
            return hourFrom < hourTo;
        }

        private boolean days() {
            return dayFrom < dayTo;
        }

        private TreeSet<Long> markedDays() {
            return marked.stream().map(h -> Math.floorDiv(h, 24)).filter(d -> d >= dayFrom && d < dayTo)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** A statement and its parameters. */
    record Built(String sql, Object[] params) {
    }

    private static final String LOG_MEASURES = "1 AS n, CASE WHEN status >= 400 THEN 1 ELSE 0 END AS e, "
            + "prompt_tokens + completion_tokens AS t, cost_nanos AS c, "
            + "CASE WHEN baseline_cost_nanos IS NULL THEN 0 ELSE baseline_cost_nanos - cost_nanos END AS s";
    private static final String TOTAL_MEASURES = "requests AS n, errors AS e, tokens AS t, cost_nanos AS c, saved_nanos AS s";

    /**
     * The rows to sum, as {@code (k, n, e, t, c, s)}: key, requests, errors, tokens, cost, saved; then {@code after}'s
     * parameters.
     *
     * @param dayKey, hourKey, logKey the key as each source spells it (constants, never client text)
     * @param totalsWhere a condition on the totals only; {@code where} one on every source, with {@code filter}'s values
     */
    static Built build(Split split, Totals totals, String dayKey, String hourKey, String logKey, String totalsWhere, String where,
                       List<Object> filter, Object... after) {
        List<String> parts = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        String notMarkedHour = split.marked().isEmpty() ? "" : " AND hour NOT IN (" + join(split.marked()) + ")";
        TreeSet<Long> markedDays = split.markedDays();
        String totalsRows = " AS k, " + TOTAL_MEASURES + " FROM ";
        String logRows = "SELECT " + logKey + " AS k, " + LOG_MEASURES + " FROM request_log WHERE created_at >= ? AND created_at < ?" + where;
        if (split.days()) {
            part(parts, params, filter, "SELECT " + dayKey + totalsRows + totals.days + " WHERE day >= ? AND day < ?" + totalsWhere + where
                    + (markedDays.isEmpty() ? "" : " AND day NOT IN (" + join(markedDays) + ")"), split.dayFrom(), split.dayTo());
            for (long d : markedDays) { // the other hours of a day with a marked hour
                hours(parts, params, filter, totals, hourKey, totalsWhere + where + notMarkedHour, d * 24, d * 24 + 24);
            }
            hours(parts, params, filter, totals, hourKey, totalsWhere + where + notMarkedHour, split.hourFrom(), split.dayFrom() * 24);
            hours(parts, params, filter, totals, hourKey, totalsWhere + where + notMarkedHour, split.dayTo() * 24, split.hourTo());
        } else if (split.hours()) {
            hours(parts, params, filter, totals, hourKey, totalsWhere + where + notMarkedHour, split.hourFrom(), split.hourTo());
        }
        if (split.hours()) {
            part(parts, params, filter, logRows, split.since(), split.hourFrom() * HOUR);
            part(parts, params, filter, logRows, split.hourTo() * HOUR, split.until());
            for (long h : split.marked()) {
                part(parts, params, filter, logRows, h * HOUR, (h + 1) * HOUR);
            }
        } else {
            part(parts, params, filter, logRows, split.since(), split.until());
        }
        params.addAll(List.of(after));
        return new Built(String.join(" UNION ALL ", parts), params.toArray());
    }

    private static void hours(List<String> parts, List<Object> params, List<Object> filter, Totals totals, String hourKey,
                              String where, long from, long to) {
        if (from < to) {
            part(parts, params, filter, "SELECT " + hourKey + " AS k, " + TOTAL_MEASURES + " FROM " + totals.hours
                    + " WHERE hour >= ? AND hour < ?" + where, from, to);
        }
    }

    private static void part(List<String> parts, List<Object> params, List<Object> filter, String sql, long from, long to) {
        parts.add(sql);
        params.add(from);
        params.add(to);
        params.addAll(filter);
    }

    private static String join(java.util.Collection<Long> numbers) {
        return numbers.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
