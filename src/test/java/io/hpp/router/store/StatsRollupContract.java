package io.hpp.router.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.app.App;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hourly totals never change an answer: every statistic equals the sum of the log rows in its window, computed
 * here row by row, before the hours are summed, after, with late rows, and for windows that cut hours in two. And the
 * summed hours really are read from the totals (a row removed from the log behind their back still counts), the rest
 * from the log. Subclasses give the database.
 */
abstract class StatsRollupContract {
    private static final long HOUR = StatsRollup.HOUR;
    private static final String[] MODELS = {"openai/gpt-5", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4"};
    private static final String[] BASKETS = {"simple", "code", "complex"};
    private Store store;
    private String url;
    private final List<RequestLogEntry> rows = new ArrayList<>();
    private final Random random = new Random(7);
    /** Now, as the test's clock: its hour's start plus 30 minutes, so the hour before is closed and summable. */
    private Instant now;

    abstract String jdbcUrl();

    @BeforeEach
    void open() {
        url = jdbcUrl();
        store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", url)));
        now = Instant.ofEpochMilli((System.currentTimeMillis() / HOUR) * HOUR + 30 * 60_000L);
        if (now.isAfter(Instant.now())) {
            now = now.minus(Duration.ofHours(1));
        }
        // 600 rows over the 80 hours before now (whole days among them): consumers and keys, models, baskets, failures
        for (int i = 0; i < 600; i++) {
            rows.add(row(now.minusMillis(1 + (long) random.nextInt(80 * 3_600_000))));
        }
        assertThat(store.settle(rows.stream().map(e -> new Settlement(Optional.empty(), e)).toList())).isEqualTo(rows.size());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private RequestLogEntry row(Instant at) {
        String id = UUID.randomUUID().toString();
        int c = random.nextInt(4);
        boolean auto = random.nextInt(3) == 0;
        String model = MODELS[random.nextInt(MODELS.length)];
        int status = random.nextInt(10) == 0 ? 502 : 200;
        long cost = status == 200 ? 1_000L * (1 + random.nextInt(5_000_000)) : 0;
        return new RequestLogEntry(id, "consumer-" + c, "key-" + c + "-" + random.nextInt(2), auto ? "hpprouter/auto" : model,
                Optional.of(model), auto ? Optional.of(BASKETS[random.nextInt(3)]) : Optional.empty(), Optional.empty(),
                Optional.empty(), auto ? Optional.of("T" + random.nextInt(3)) : Optional.empty(),
                new TokenUsage(random.nextInt(2000), random.nextInt(500), 0, 0), new Money(cost), status,
                status >= 400 ? Optional.of("upstream_error") : Optional.empty(), false, 5 + random.nextInt(900), Optional.empty(), at,
                new RequestLogEntry.Meta(id, "chat", Optional.empty(), auto ? Optional.of(new Money(cost * 3)) : Optional.empty(),
                        Optional.empty(), Optional.of(model.substring(0, model.indexOf('/')) + ":" + model.substring(model.indexOf('/') + 1))));
    }

    /** Every statistic over several windows, each checked against the rows summed here. */
    private void assertEveryAnswerEqualsTheLog() {
        Instant start = now.minus(Duration.ofHours(81));
        List<Instant[]> windows = List.of(new Instant[] {start, now}, new Instant[] {start.plusMillis(1_234_567), now.minusMillis(987_654)},
                new Instant[] {now.minus(Duration.ofMinutes(50)), now}, new Instant[] {now.minus(Duration.ofHours(5)).plusMillis(17), now.minus(Duration.ofHours(2))});
        for (Instant[] w : windows) {
            for (Stats.Bucket b : Stats.Bucket.values()) {
                assertSeries(b, w[0], w[1], Stats.Filter.ALL);
                assertSeries(b, w[0], w[1], new Stats.Filter(Optional.of("consumer-1"), Optional.empty()));
                assertSeries(b, w[0], w[1], new Stats.Filter(Optional.empty(), Optional.of("key-2-1")));
            }
            for (Stats.TopBy by : Stats.TopBy.values()) {
                assertTop(by, w[0], w[1]);
            }
        }
    }

    private void assertSeries(Stats.Bucket bucket, Instant since, Instant until, Stats.Filter f) {
        List<Stats.Point> points = store.stats().timeseries(bucket, since, until, f);
        assertThat(points).isNotEmpty();
        for (Stats.Point p : points) {
            long from = Math.max(p.start().toEpochMilli(), since.toEpochMilli());
            long to = Math.min(p.start().toEpochMilli() + bucket.millis(), until.toEpochMilli());
            List<RequestLogEntry> in = rows.stream().filter(e -> e.createdAt().toEpochMilli() >= from && e.createdAt().toEpochMilli() < to)
                    .filter(e -> f.consumerId().map(e.consumerId()::equals).orElse(true) && f.keyId().map(e.keyId()::equals).orElse(true))
                    .toList();
            String where = bucket + " " + p.start() + " of " + since + ".." + until + " " + f;
            assertThat(p.requests()).as(where).isEqualTo(in.size());
            assertThat(p.errors()).as(where).isEqualTo(in.stream().filter(e -> e.status() >= 400).count());
            assertThat(p.tokens()).as(where).isEqualTo(in.stream().mapToLong(e -> e.usage().promptTokens() + e.usage().output()).sum());
            assertThat(p.spend().nanos()).as(where).isEqualTo(in.stream().mapToLong(e -> e.cost().nanos()).sum());
            assertThat(p.saved().nanos()).as(where).isEqualTo(in.stream()
                    .mapToLong(e -> e.meta().baselineCost().map(m -> m.nanos() - e.cost().nanos()).orElse(0L)).sum());
        }
    }

    private void assertTop(Stats.TopBy by, Instant since, Instant until) {
        List<Stats.Top> top = store.stats().top(by, since, until, 100);
        Map<String, long[]> expected = new java.util.TreeMap<>();
        rows.stream().filter(e -> !e.createdAt().isBefore(since) && e.createdAt().isBefore(until)).forEach(e -> {
            Optional<String> k = switch (by) {
                case CONSUMER -> Optional.of(e.consumerId());
                case KEY -> Optional.of(e.keyId());
                case MODEL -> Optional.of(e.resolvedModel().orElse(e.requestedModel()));
                case DEPLOYMENT -> e.meta().deployment();
                case BASKET -> e.basket();
                case TIER -> e.tier();
            };
            k.ifPresent(key -> {
                long[] t = expected.computeIfAbsent(key, x -> new long[3]);
                t[0]++;
                t[1] += e.usage().promptTokens() + e.usage().output();
                t[2] += e.cost().nanos();
            });
        });
        assertThat(top).as(by + " " + since + ".." + until).hasSize(expected.size());
        for (int i = 0; i < top.size(); i++) {
            Stats.Top t = top.get(i);
            assertThat(new long[] {t.requests(), t.tokens(), t.spend().nanos()}).as(by + " " + t.key()).containsExactly(expected.get(t.key()));
            if (i > 0) {
                assertThat(t.spend().nanos()).isLessThanOrEqualTo(top.get(i - 1).spend().nanos());
            }
        }
    }

    @Test
    void everyAnswerEqualsTheLogBeforeAndAfterTheHoursAreSummed() throws SQLException {
        assertEveryAnswerEqualsTheLog();
        int summed = store.stats().rollUp(now, 10_000);
        // the hours from the first row's to the last closed one; marked ones (every row here came late) again
        assertThat(summed).isGreaterThanOrEqualTo(79);
        assertThat(store.stats().rollUp(now, 10_000)).as("nothing left to sum").isZero();
        assertThat(count("SELECT COUNT(*) FROM stats_dirty")).isZero();
        assertThat(count("SELECT SUM(requests) FROM stats_hour_model")).isEqualTo(count("SELECT SUM(requests) FROM stats_hour_key"))
                .isEqualTo(rows.stream().filter(e -> e.createdAt().toEpochMilli() < (now.toEpochMilli() - StatsRollup.SETTLE_MILLIS) / HOUR * HOUR).count());
        assertEveryAnswerEqualsTheLog();
    }

    @Test
    void summedHoursAreReadFromTheTotalsAndTheLastHourFromTheLog() throws SQLException {
        store.stats().rollUp(now, 10_000);
        Instant old = now.minus(Duration.ofHours(20));
        long oldHour = old.toEpochMilli() / HOUR;
        long inOldHour = rows.stream().filter(e -> e.createdAt().toEpochMilli() / HOUR == oldHour).count();
        long current = now.toEpochMilli() / HOUR;
        long inCurrentHour = rows.stream().filter(e -> e.createdAt().toEpochMilli() / HOUR == current).count();
        assertThat(inOldHour).isPositive();
        assertThat(inCurrentHour).isPositive();
        // behind the store's back: a summed hour keeps its totals, the current hour (read from the log) loses its rows;
        // a whole day, read from its day's totals, keeps them too
        execute("DELETE FROM request_log WHERE created_at >= " + oldHour * HOUR + " AND created_at < " + (oldHour + 1) * HOUR);
        execute("DELETE FROM request_log WHERE created_at >= " + current * HOUR);
        List<Stats.Point> series = store.stats().timeseries(Stats.Bucket.HOUR, Instant.ofEpochMilli(oldHour * HOUR), now, Stats.Filter.ALL);
        assertThat(series.getFirst().requests()).isEqualTo(inOldHour);
        assertThat(series.getLast().start().toEpochMilli()).isEqualTo(current * HOUR);
        assertThat(series.getLast().requests()).isZero();
        long day = now.minus(Duration.ofHours(48)).toEpochMilli() / (24 * HOUR);
        long inDay = rows.stream().filter(e -> e.createdAt().toEpochMilli() / (24 * HOUR) == day).count();
        execute("DELETE FROM request_log WHERE created_at >= " + day * 24 * HOUR + " AND created_at < " + (day + 1) * 24 * HOUR);
        execute("DELETE FROM stats_hour_model WHERE hour >= " + day * 24 + " AND hour < " + (day + 1) * 24);
        List<Stats.Point> days = store.stats().timeseries(Stats.Bucket.DAY, Instant.ofEpochMilli(day * 24 * HOUR),
                Instant.ofEpochMilli((day + 1) * 24 * HOUR), Stats.Filter.ALL);
        assertThat(days).hasSize(1);
        assertThat(days.getFirst().requests()).isEqualTo(inDay).isPositive();
    }

    @Test
    void aRowStoredLateCountsAtOnceAndItsHourIsSummedAgain() throws SQLException {
        store.stats().rollUp(now, 10_000);
        // in a whole day: its day's totals are set aside until it is summed again, its other hours read instead
        RequestLogEntry late = row(now.minus(Duration.ofHours(50)));
        assertThat(store.settle(List.of(new Settlement(Optional.empty(), late)))).isEqualTo(1);
        rows.add(late);
        assertThat(count("SELECT COUNT(*) FROM stats_dirty")).isEqualTo(1);
        assertEveryAnswerEqualsTheLog(); // through the marked hour's log rows
        assertThat(store.stats().rollUp(now, 10_000)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM stats_dirty")).isZero();
        assertThat(count("SELECT SUM(requests) FROM stats_hour_key WHERE hour = " + late.createdAt().toEpochMilli() / HOUR))
                .isEqualTo(rows.stream().filter(e -> e.createdAt().toEpochMilli() / HOUR == late.createdAt().toEpochMilli() / HOUR).count());
        long day = late.createdAt().toEpochMilli() / (24 * HOUR);
        assertThat(count("SELECT SUM(requests) FROM stats_day_model WHERE day = " + day))
                .isEqualTo(rows.stream().filter(e -> e.createdAt().toEpochMilli() / (24 * HOUR) == day).count());
        assertEveryAnswerEqualsTheLog();
        // a row stored in time (its request started under ten minutes ago) marks nothing
        assertThat(store.settle(List.of(new Settlement(Optional.empty(), row(Instant.now().minusSeconds(30)))))).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM stats_dirty")).isZero();
    }

    @Test
    void manyMarkedHoursAreReadFromTheLogUntilSummedAgain() throws SQLException {
        store.stats().rollUp(now, 10_000);
        long first = now.toEpochMilli() / HOUR - 70;
        for (long h = first; h < first + StatsSql.MAX_MARKED + 12; h++) {
            execute("INSERT INTO stats_dirty (hour) VALUES (" + h + ")");
        }
        // totals made wrong behind the store's back: a window with that many marked hours must not read them
        execute("UPDATE stats_hour_model SET requests = requests + 1000");
        execute("UPDATE stats_day_model SET requests = requests + 1000");
        assertSeries(Stats.Bucket.DAY, now.minus(Duration.ofHours(71)), now, Stats.Filter.ALL);
        assertThat(store.stats().rollUp(now, 10_000)).isEqualTo(StatsSql.MAX_MARKED + 12);
        assertThat(count("SELECT COUNT(*) FROM stats_dirty")).isZero();
    }

    @Test
    void latencyHistogramsGivePercentilesToTheBucketsBound() {
        List<LogHealth.ModelHealth> health = store.stats().health(now.minus(Duration.ofHours(81)), now);
        long requests = health.stream().mapToLong(LogHealth.ModelHealth::requests).sum();
        assertThat(requests).isEqualTo(rows.size());
        assertThat(health.stream().mapToLong(LogHealth.ModelHealth::failures).sum()).isEqualTo(rows.stream().filter(e -> e.status() >= 500).count());
        long[] all = new long[LogHealth.HISTOGRAM_SIZE];
        health.forEach(h -> LogHealth.merge(all, h.latency()));
        List<Long> sorted = rows.stream().map(RequestLogEntry::latencyMs).sorted().toList();
        for (int p : new int[] {50, 90, 99}) {
            long exact = sorted.get((int) Math.ceil(sorted.size() * p / 100.0) - 1);
            long reported = LogHealth.percentile(all, p).orElseThrow();
            assertThat(reported).as("p" + p).isGreaterThanOrEqualTo(exact).isLessThanOrEqualTo(Math.max(exact + 1, exact * 13 / 10));
        }
        assertThat(health).allSatisfy(h -> assertThat(h.deploymentProvider()).isPresent());
        assertThat(LogHealth.percentile(new long[LogHealth.HISTOGRAM_SIZE], 50)).isEmpty();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
