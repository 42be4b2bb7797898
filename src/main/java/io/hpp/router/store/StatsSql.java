package io.hpp.router.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one statement that sums a window of the log for {@link Stats}: whole days from the daily totals, whole hours
 * around them from the hourly totals, the partial hours at the ends and the hours not summed yet from the log. An hour
 * marked to be summed again (a row stored late) is read from the log and its day from its other hours until then. So
 * every answer equals the log's, read in one snapshot.
 */
final class StatsSql {
    private static final long HOUR = StatsRollup.HOUR;

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

    private StatsSql() {
    }

    /**
     * A window [since, until) cut into the log before hour {@code hourFrom}, hours [hourFrom, dayFrom × 24), days
     * [dayFrom, dayTo), hours [dayTo × 24, hourTo) and the log from hour {@code hourTo}. Without summed hours inside
     * the window (it is short, or recent), all of it is read from the log.
     */
    record Split(long since, long until, long hourFrom, long hourTo, long dayFrom, long dayTo) {
        /** @param days whether whole days may be read as one (not for an hourly series) */
        static Split of(Instant since, Instant until, long rolledThrough, boolean days) {
            long s = since.toEpochMilli();
            long u = until.toEpochMilli();
            long hf = Math.ceilDiv(s, HOUR);
            long ht = Math.min(Math.floorDiv(u, HOUR), rolledThrough);
            if (hf >= ht) {
                return new Split(s, u, 0, 0, 0, 0);
            }
            long df = Math.ceilDiv(hf, 24);
            long dt = Math.floorDiv(ht, 24);
            return days && df < dt ? new Split(s, u, hf, ht, df, dt) : new Split(s, u, hf, ht, 0, 0);
        }

        private boolean hours() {
            return hourFrom < hourTo;
        }

        private boolean days() {
            return dayFrom < dayTo;
        }

        /** The parameters of {@link #sql}'s parts in order, each followed by the filter's values. */
        Object[] params(List<Object> filter, Object... after) {
            List<Object> p = new ArrayList<>();
            long[][] ranges = {
                {dayFrom, dayTo},
                days() ? new long[] {hourFrom, dayFrom * 24} : new long[] {hourFrom, hourTo},
                days() ? new long[] {dayTo * 24, hourTo} : new long[] {0, 0},
                {dayFrom, dayTo},
                {since, hours() ? hourFrom * HOUR : until},
                {hours() ? hourTo * HOUR : until, until},
                {hourFrom, hourTo},
            };
            for (long[] r : ranges) {
                p.add(r[0]);
                p.add(r[1]);
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
     * The rows to sum, as {@code (k, n, e, t, c, s)}: key, requests, errors, tokens, cost, saved.
     *
     * @param dayKey, hourKey, logKey the key as each source spells it (constants, never client text)
     * @param totalsWhere a condition on the totals only; {@code where} one on every source (with the filter's values)
     */
    static String sql(Totals totals, String dayKey, String hourKey, String logKey, String totalsWhere, String where) {
        String notMarked = " AND hour NOT IN (SELECT hour FROM stats_dirty)";
        String hours = " UNION ALL SELECT " + hourKey + " AS k, " + TOTAL_MEASURES + " FROM " + totals.hours
                + " WHERE hour >= ? AND hour < ?" + totalsWhere + where + notMarked;
        String log = " UNION ALL SELECT " + logKey + " AS k, " + LOG_MEASURES + " FROM request_log WHERE created_at >= ? AND created_at < ?" + where;
        return "SELECT " + dayKey + " AS k, " + TOTAL_MEASURES + " FROM " + totals.days + " WHERE day >= ? AND day < ?" + totalsWhere
                + where + " AND day NOT IN (SELECT hour / 24 FROM stats_dirty)"
                + hours + hours
                // the other hours of a day with a marked hour
                + " UNION ALL SELECT " + hourKey + " AS k, " + TOTAL_MEASURES + " FROM (SELECT DISTINCT hour / 24 AS d FROM stats_dirty) x JOIN "
                + totals.hours + " ON hour >= x.d * 24 AND hour < x.d * 24 + 24 WHERE x.d >= ? AND x.d < ?" + totalsWhere + where + notMarked
                + log + log
                // the log rows of a marked hour
                + " UNION ALL SELECT " + logKey + " AS k, " + LOG_MEASURES + " FROM stats_dirty d JOIN request_log r"
                + " ON r.created_at >= d.hour * " + HOUR + " AND r.created_at < (d.hour + 1) * " + HOUR + " WHERE d.hour >= ? AND d.hour < ?" + where;
    }
}
