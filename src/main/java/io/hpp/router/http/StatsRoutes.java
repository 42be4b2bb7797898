package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.chat.DeploymentHealth;
import io.hpp.router.store.JdbcStats;
import io.hpp.router.store.Stats;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Operators' numbers behind the console: {@code GET /admin/v1/stats/timeseries} (totals per hour or day),
 * {@code GET /admin/v1/stats/top} (largest consumers, models, keys, providers, deployments, baskets or tiers by spend),
 * {@code GET /admin/v1/stats/providers} (each provider's failures and latency percentiles, and its circuits) and
 * {@code GET /admin/v1/stats/now} (requests in flight, quota held). Bounded: a window starts at most
 * {@link #MAX_WINDOW} ago (a provider window spans at most {@link #MAX_HEALTH_WINDOW}: it reads the log row by row)
 * and a top list holds at most {@link #MAX_TOP} rows.
 */
final class StatsRoutes {
    static final Duration MAX_WINDOW = Duration.ofDays(31);
    static final Duration MAX_HEALTH_WINDOW = Duration.ofDays(1);
    static final int MAX_TOP = 100;

    private final AdminGuard admin;
    private final Store store;
    private final Supplier<Instant> clock;
    private final ProviderHealth providers;
    private final IntSupplier inFlight;

    /** @param inFlight the requests this node is handling now, the asking one included */
    StatsRoutes(AdminGuard admin, Store store, Supplier<Instant> clock, Function<Model, List<DeploymentHealth>> health,
                IntSupplier inFlight) {
        this.admin = admin;
        this.store = store;
        this.clock = clock;
        this.providers = new ProviderHealth(store, health);
        this.inFlight = inFlight;
    }

    void register(RouteTable routes) {
        routes.add(Method.GET, "/admin/v1/stats/timeseries", this::timeseries)
                .add(Method.GET, "/admin/v1/stats/top", this::top)
                .add(Method.GET, "/admin/v1/stats/providers", this::providers)
                .add(Method.GET, "/admin/v1/stats/now", this::now);
    }

    /** A checked window [since, until): by default the last day for hours, the last 30 days for days. */
    private record Window(Instant since, Instant until) {
    }

    private Window window(ServerRequest req, Duration byDefault) {
        Instant now = clock.get();
        var q = req.query();
        Instant until = q.first("until").asOptional().map(s -> QueryParams.instant("until", s)).orElse(now);
        Instant earliest = now.minus(MAX_WINDOW);
        // a default start is kept within the bounds; a start asked for is checked against them
        Instant since = q.first("since").asOptional().map(s -> QueryParams.instant("since", s)).orElseGet(() -> {
            Instant d = until.minus(byDefault);
            return d.isBefore(earliest) ? earliest : d;
        });
        if (since.isBefore(earliest)) {
            throw ApiException.invalidRequest("Query 'since' must be within the last 31 days (at or after " + earliest + "), got " + since);
        }
        if (!since.isBefore(until)) {
            throw ApiException.invalidRequest("Query 'since' (" + since + ") must be before 'until' (" + until + ")");
        }
        if (Duration.between(since, until).compareTo(MAX_WINDOW) > 0) {
            throw ApiException.invalidRequest("The window from 'since' to 'until' may span at most 31 days, got " + since + " to " + until);
        }
        return new Window(since, until);
    }

    private void timeseries(ServerRequest req, ServerResponse res) {
        admin.require(req);
        var q = req.query();
        String raw = q.first("bucket").asOptional().orElse("hour");
        Stats.Bucket bucket = switch (raw) {
            case "hour" -> Stats.Bucket.HOUR;
            case "day" -> Stats.Bucket.DAY;
            default -> throw ApiException.invalidRequest("Query 'bucket' must be hour or day, got '" + raw + "'");
        };
        Window w = window(req, bucket == Stats.Bucket.HOUR ? Duration.ofDays(1) : Duration.ofDays(30));
        Stats.Filter filter = new Stats.Filter(QueryParams.text(q, "consumer_id"), QueryParams.text(q, "key_id"));
        ObjectNode body = Json.object();
        body.put("bucket", raw);
        body.put("since", w.since().toString());
        body.put("until", w.until().toString());
        ArrayNode data = body.putArray("data");
        for (Stats.Point p : store.stats().timeseries(bucket, w.since(), w.until(), filter)) {
            data.addObject().put("bucket_start", p.start().toString()).put("requests", p.requests()).put("errors", p.errors())
                    .put("tokens", p.tokens()).put("spend", p.spend().dollars()).put("saved", p.saved().dollars());
        }
        Responses.json(res, body);
    }

    private void top(ServerRequest req, ServerResponse res) {
        admin.require(req);
        var q = req.query();
        String raw = q.first("by").asOptional().orElse("");
        Optional<Stats.TopBy> by = switch (raw) {
            case "consumer" -> Optional.of(Stats.TopBy.CONSUMER);
            case "model" -> Optional.of(Stats.TopBy.MODEL);
            case "key" -> Optional.of(Stats.TopBy.KEY);
            case "deployment" -> Optional.of(Stats.TopBy.DEPLOYMENT);
            case "basket" -> Optional.of(Stats.TopBy.BASKET);
            case "tier" -> Optional.of(Stats.TopBy.TIER);
            case "provider" -> Optional.empty(); // its deployments', summed here
            default -> throw ApiException.invalidRequest(
                    "Query 'by' must be consumer, model, key, provider, deployment, basket or tier, got '" + raw + "'");
        };
        Window w = window(req, Duration.ofDays(1));
        int limit = q.first("limit").asOptional().map(s -> QueryParams.count("limit", s, MAX_TOP)).orElse(10);
        ObjectNode body = Json.object();
        body.put("by", raw);
        body.put("since", w.since().toString());
        body.put("until", w.until().toString());
        ArrayNode data = body.putArray("data");
        List<Stats.Top> rows = by.isPresent() ? store.stats().top(by.get(), w.since(), w.until(), limit)
                : ProviderHealth.byProvider(store.stats().top(Stats.TopBy.DEPLOYMENT, w.since(), w.until(), ProviderHealth.MAX_DEPLOYMENTS), limit);
        for (Stats.Top t : rows) {
            data.addObject().put("key", t.key()).put("requests", t.requests()).put("tokens", t.tokens()).put("spend", t.spend().dollars());
        }
        Responses.json(res, body);
    }

    private void providers(ServerRequest req, ServerResponse res) {
        admin.require(req);
        Window w = window(req, Duration.ofHours(1));
        if (Duration.between(w.since(), w.until()).compareTo(MAX_HEALTH_WINDOW) > 0) {
            throw ApiException.invalidRequest("The window of provider health may span at most 24 hours, got " + w.since() + " to " + w.until());
        }
        ObjectNode body = Json.object();
        body.put("since", w.since().toString());
        body.put("until", w.until().toString());
        body.set("data", providers.view(w.since(), w.until()));
        Responses.json(res, body);
    }

    private void now(ServerRequest req, ServerResponse res) {
        admin.require(req);
        JdbcStats.Held held = store.stats().held();
        ObjectNode body = Json.object();
        body.put("in_flight", Math.max(0, inFlight.getAsInt() - 1)); // not this request
        body.put("upstream_in_flight", providers.upstreamInFlight());
        body.put("holds", held.holds());
        body.put("held", held.amount().dollars());
        Responses.json(res, body);
    }


}
