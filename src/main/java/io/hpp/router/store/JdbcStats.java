package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The operators' statistics ({@link Stats}, {@link LogHealth}), the hourly totals behind them ({@link StatsRollup}) and
 * the quota held now.
 */
public final class JdbcStats {
    private final Jdbc jdbc;
    private final Dialect dialect;
    private final Optional<LocalHolds> localHolds;

    JdbcStats(Jdbc jdbc, Dialect dialect, Optional<LocalHolds> localHolds) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.localHolds = localHolds;
    }

    /** The holds of requests in flight: how many and how much, on every node (on SQLite: this process and the table). */
    public record Held(long holds, Money amount) {
    }

    /** Totals of the log per time bucket in [since, until), of all requests or one consumer's or key's. */
    public List<Stats.Point> timeseries(Stats.Bucket bucket, Instant since, Instant until, Stats.Filter filter) {
        return Stats.timeseries(jdbc, bucket, since, until, filter, summed());
    }

    /** The largest consumers, models, keys, baskets or tiers by spend in [since, until). */
    public List<Stats.Top> top(Stats.TopBy by, Instant since, Instant until, int limit) {
        return Stats.top(jdbc, by, since, until, limit, summed());
    }

    /** Each model's requests, provider failures and latency histograms in [since, until), read from the log. */
    public List<LogHealth.ModelHealth> health(Instant since, Instant until) {
        return LogHealth.read(jdbc, since, until);
    }

    public Held held() {
        Held table = jdbc.queryOne("SELECT COUNT(*), COALESCE(SUM(amount_nanos), 0) FROM reservations",
                rs -> new Held(rs.getLong(1), new Money(rs.getLong(2)))).orElseThrow();
        return localHolds.map(h -> h.totals()).map(m -> new Held(table.holds() + m.holds(), table.amount().plus(m.amount())))
                .orElse(table);
    }

    /** Sums the closed hours not summed yet and the hours marked again, at most {@code maxHours}; returns how many. */
    public int rollUp(Instant now, int maxHours) {
        int hours = StatsRollup.run(jdbc, dialect, now.toEpochMilli(), maxHours);
        if (hours > 0 && dialect == Dialect.SQLITE) {
            // SQLite keeps no planner statistics unless asked (PostgreSQL's autovacuum does): without them it read the
            // per-key totals through the wrong index, 3x slower (bench/stats-10m.sh); a bounded sample keeps this short
            jdbc.inTransaction(tx -> {
                tx.execute("PRAGMA analysis_limit = 1000");
                tx.execute("PRAGMA optimize");
                return null;
            });
        }
        return hours;
    }

    private StatsSql.Summed summed() {
        return jdbc.withConnection(StatsSql.Summed::read);
    }
}
