package io.hpp.router.bench;

import io.hpp.router.app.App;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.store.LogFilter;
import io.hpp.router.store.Stats;
import io.hpp.router.store.Store;
import io.hpp.router.testing.TestPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The operators' statistics on a generated log of ten million rows (a month at ~4 requests a second): how long the
 * stats queries, provider health and the filtered request pages take on SQLite or PostgreSQL, before the hours are
 * summed (reading the log) and after. {@code bench/stats-10m.sh sqlite|postgres [ROWS]}.
 *
 * <p>The log: rows spread evenly over the last 30 days; 500 consumers with 2 keys each; 12 models on 3 providers;
 * a third of the requests {@code hpprouter/auto} (5 baskets, 3 tiers); 1 in 33 failed with 502; half streamed.
 */
public final class StatsAtScale {
    private static final String[] MODELS = {"openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-4o", "openai/gpt-4o-mini",
        "anthropic/claude-sonnet-4", "anthropic/claude-haiku-4", "anthropic/claude-opus-4", "moonshotai/kimi-k2",
        "moonshotai/kimi-k2-turbo", "openai/o3", "openai/o4-mini", "anthropic/claude-3-5-haiku"};
    private static final String[] BASKETS = {"simple", "code", "complex", "creative", "long-context"};

    private StatsAtScale() {
    }

    public static void main(String[] args) throws Exception {
        boolean postgres = args.length > 0 && args[0].equals("postgres");
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        String url = postgres ? TestPostgres.shared().newDatabase()
                : "jdbc:sqlite:" + Files.createTempDirectory("stats-10m").resolve("router.db");
        Store store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", url)));
        Instant now = Instant.now();
        long t0 = System.nanoTime();
        generate(url, postgres, rows, now);
        System.out.printf("generated %,d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
        System.out.println("\n## " + (postgres ? "PostgreSQL" : "SQLite") + ", " + String.format("%,d", rows) + " rows\n");
        System.out.println("| query | from the log only (ms) | with the hourly totals (ms) |");
        System.out.println("|---|---|---|");
        List<Query> queries = queries(store, now);
        List<String> before = new ArrayList<>();
        for (Query q : queries) {
            before.add(q.summed ? time(q.run) : "");
        }
        long t1 = System.nanoTime();
        int hours = store.stats().rollUp(now, 10_000);
        double rollup = (System.nanoTime() - t1) / 1e6;
        if (postgres) {
            analyze(url, true); // autovacuum would, in its time; SQLite's rollUp keeps its own statistics
        }
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            System.out.println("| " + q.name + " | " + (q.summed ? before.get(i) : "(same)") + " | " + time(q.run) + " |");
        }
        System.out.printf("%nsumming %d hours: %.0f ms (%.1f ms an hour)%n", hours, rollup, rollup / Math.max(1, hours));
        store.close();
    }

    /** A named query; {@code summed}: it reads the hourly totals, so its time before they exist is shown too. */
    private record Query(String name, boolean summed, Supplier<?> run) {
    }

    private static List<Query> queries(Store store, Instant now) {
        Instant day = now.minus(Duration.ofDays(1));
        Instant month = now.minus(Duration.ofDays(30));
        Stats.Filter consumer = new Stats.Filter(Optional.of("c7"), Optional.empty());
        LogFilter none = LogFilter.ALL;
        return List.of(
                new Query("timeseries, hourly, last 24 h", true, () -> store.stats().timeseries(Stats.Bucket.HOUR, day, now, Stats.Filter.ALL)),
                new Query("timeseries, daily, last 30 days", true, () -> store.stats().timeseries(Stats.Bucket.DAY, month, now, Stats.Filter.ALL)),
                new Query("timeseries, daily, 30 days, one consumer", true, () -> store.stats().timeseries(Stats.Bucket.DAY, month, now, consumer)),
                new Query("timeseries, hourly, 24 h, one key", true, () -> store.stats().timeseries(Stats.Bucket.HOUR, day, now,
                        new Stats.Filter(Optional.empty(), Optional.of("c7-k1")))),
                new Query("top 10 consumers, 30 days", true, () -> store.stats().top(Stats.TopBy.CONSUMER, month, now, 10)),
                new Query("top 10 keys, 30 days", true, () -> store.stats().top(Stats.TopBy.KEY, month, now, 10)),
                new Query("top 10 models, 30 days", true, () -> store.stats().top(Stats.TopBy.MODEL, month, now, 10)),
                new Query("spend by deployment, 30 days", true, () -> store.stats().top(Stats.TopBy.DEPLOYMENT, month, now, 100)),
                new Query("baskets, last 24 h", true, () -> store.stats().top(Stats.TopBy.BASKET, day, now, 10)),
                new Query("provider health, last hour", false, () -> store.stats().health(now.minus(Duration.ofHours(1)), now)),
                new Query("quota held now", false, () -> store.stats().held()),
                new Query("requests, newest 50", false, () -> store.requestLogPage(none, Optional.empty(), 50)),
                new Query("requests, failed, newest 50", false, () -> store.requestLogPage(
                        new LogFilter(none.consumerId(), none.keyId(), none.model(), none.basket(),
                                Optional.of(new LogFilter.Status.Failed()), none.since(), none.until()), Optional.empty(), 50)),
                new Query("requests, one key, newest 50", false, () -> store.requestLogPage(
                        new LogFilter(none.consumerId(), Optional.of("c7-k1"), none.model(), none.basket(), none.status(),
                                none.since(), none.until()), Optional.empty(), 50)),
                new Query("requests, one model, last 24 h, newest 50", false, () -> store.requestLogPage(
                        new LogFilter(none.consumerId(), none.keyId(), Optional.of("openai/o3"), none.basket(), none.status(),
                                Optional.of(day), none.until()), Optional.empty(), 50)));
    }

    /** The median of five runs after one to warm, in milliseconds. */
    private static String time(Supplier<?> run) {
        run.get();
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            run.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return String.format("%.1f", ms[2]);
    }

    /** Inserts the rows in the database itself (a recursive CTE on SQLite, generate_series on PostgreSQL), a million a statement. */
    private static void generate(String url, boolean postgres, long rows, Instant now) throws SQLException {
        long start = now.minus(Duration.ofDays(30)).toEpochMilli();
        long span = Duration.ofDays(30).toMillis() - 60_000;
        StringBuilder model = new StringBuilder("CASE m");
        for (int i = 0; i < MODELS.length; i++) {
            model.append(" WHEN ").append(i).append(" THEN '").append(MODELS[i]).append('\'');
        }
        model.append(" END");
        StringBuilder basket = new StringBuilder("CASE WHEN i % 3 = 0 THEN CASE (i / 3) % 5");
        for (int i = 0; i < BASKETS.length; i++) {
            basket.append(" WHEN ").append(i).append(" THEN '").append(BASKETS[i]).append('\'');
        }
        basket.append(" END END");
        String select = "SELECT 'r' || i, 'c' || (i % 500), 'c' || (i % 500) || '-k' || ((i / 500) % 2), "
                + "CASE WHEN i % 3 = 0 THEN 'hpprouter/auto' ELSE " + model + " END, " + model + ", " + basket + ", "
                + "CASE WHEN i % 3 = 0 THEN 'rule-' || ((i / 3) % 5) END, CASE WHEN i % 3 = 0 THEN 1 END, "
                + "CASE WHEN i % 3 = 0 THEN 'T' || ((i / 7) % 3) END, 200 + (i * 37) % 3000, 20 + (i * 11) % 800, 0, 0, "
                + "CASE WHEN i % 33 = 0 THEN 0 ELSE 1000 + (i * 7919) % 20000000 END, CASE WHEN i % 33 = 0 THEN 502 ELSE 200 END, "
                + "CASE WHEN i % 33 = 0 THEN 'upstream_error' END, i % 2, 50 + (i * 7919) % 5000, "
                + "CASE WHEN i % 2 = 1 THEN 10 + (i * 7919) % 1000 END, " + start + " + i * " + span + " / " + rows + ", "
                + "'req-' || i, 'chat', 40 + (i * 7919) % 4900, CASE WHEN i % 3 = 0 THEN 30000000 END, NULL, "
                + "replace(" + model + ", '/', ':')";
        String columns = "INSERT INTO request_log (id, consumer_id, key_id, requested_model, resolved_model, basket, rule_id, "
                + "rules_version, tier, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, cost_nanos, status, "
                + "error_code, streamed, latency_ms, ttft_ms, created_at, request_id, endpoint, upstream_ms, baseline_cost_nanos, "
                + "rerouted_from, deployment) ";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            // the consumers and keys the rows name (a key filter finds its rows through its consumer)
            for (int i = 0; i < 500; i++) {
                st.execute("INSERT INTO consumers (id, created_at) VALUES ('c" + i + "', 0)");
                for (int k = 0; k < 2; k++) {
                    st.execute("INSERT INTO api_keys (id, consumer_id, secret_hash, created_at) VALUES ('c" + i + "-k" + k + "', 'c" + i
                            + "', " + (postgres ? "'\\x00'::bytea" : "X'00'") + ", 0)");
                }
            }
            for (long from = 0; from < rows; from += 1_000_000) {
                long to = Math.min(rows, from + 1_000_000) - 1;
                String g = "(SELECT i, (i * 7 + i / 1000) % " + MODELS.length + " AS m FROM ";
                st.execute(postgres
                        ? columns + select + " FROM " + g + "generate_series(" + from + "::bigint, " + to + ") AS i) g"
                        : "WITH RECURSIVE n(i) AS (SELECT " + from + " UNION ALL SELECT i + 1 FROM n WHERE i < " + to + ") "
                                + columns + select + " FROM " + g + "n) g");
                System.out.printf("  %,d rows%n", to + 1);
            }
        }
        analyze(url, postgres);
    }

    /** Fresh planner statistics for the generated log, as PostgreSQL's autovacuum keeps them and an operator's ANALYZE would. */
    private static void analyze(String url, boolean postgres) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(postgres ? "VACUUM ANALYZE" : "ANALYZE");
        }
    }
}
