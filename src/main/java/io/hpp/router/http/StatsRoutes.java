package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.Stats;
import io.hpp.router.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Operators' numbers behind the console: {@code GET /admin/v1/stats/timeseries} (totals per hour or day) and
 * {@code GET /admin/v1/stats/top} (largest consumers, models, keys or baskets by spend). Bounded: a window starts at
 * most {@link #MAX_WINDOW} ago and a top list holds at most {@link #MAX_TOP} rows, so no call scans more than a
 * month of the log.
 */
final class StatsRoutes {
    static final Duration MAX_WINDOW = Duration.ofDays(31);
    static final int MAX_TOP = 100;

    private final AdminGuard admin;
    private final Store store;
    private final Supplier<Instant> clock;

    StatsRoutes(AdminGuard admin, Store store, Supplier<Instant> clock) {
        this.admin = admin;
        this.store = store;
        this.clock = clock;
    }

    void register(RouteTable routes) {
        routes.add(Method.GET, "/admin/v1/stats/timeseries", this::timeseries)
                .add(Method.GET, "/admin/v1/stats/top", this::top);
    }

    /** A checked window [since, until): by default the last day for hours, the last 30 days for days. */
    private record Window(Instant since, Instant until) {
    }

    private Window window(ServerRequest req, Duration byDefault) {
        Instant now = clock.get();
        var q = req.query();
        Instant until = q.first("until").asOptional().map(s -> instant("until", s)).orElse(now);
        Instant since = q.first("since").asOptional().map(s -> instant("since", s)).orElse(until.minus(byDefault));
        Instant earliest = now.minus(MAX_WINDOW);
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
        Optional<String> consumer = q.first("consumer_id").asOptional().filter(s -> !s.isEmpty());
        ObjectNode body = Json.object();
        body.put("bucket", raw);
        body.put("since", w.since().toString());
        body.put("until", w.until().toString());
        ArrayNode data = body.putArray("data");
        for (Stats.Point p : store.statsTimeseries(bucket, w.since(), w.until(), consumer)) {
            data.addObject().put("bucket_start", p.start().toString()).put("requests", p.requests()).put("errors", p.errors())
                    .put("tokens", p.tokens()).put("spend", p.spend().dollars()).put("saved", p.saved().dollars());
        }
        Responses.json(res, body);
    }

    private void top(ServerRequest req, ServerResponse res) {
        admin.require(req);
        var q = req.query();
        String raw = q.first("by").asOptional().orElse("");
        Stats.TopBy by = switch (raw) {
            case "consumer" -> Stats.TopBy.CONSUMER;
            case "model" -> Stats.TopBy.MODEL;
            case "key" -> Stats.TopBy.KEY;
            case "basket" -> Stats.TopBy.BASKET;
            default -> throw ApiException.invalidRequest("Query 'by' must be consumer, model, key or basket, got '" + raw + "'");
        };
        Window w = window(req, Duration.ofDays(1));
        int limit = q.first("limit").asOptional().map(StatsRoutes::limit).orElse(10);
        ObjectNode body = Json.object();
        body.put("by", by.name().toLowerCase(Locale.ROOT));
        body.put("since", w.since().toString());
        body.put("until", w.until().toString());
        ArrayNode data = body.putArray("data");
        for (Stats.Top t : store.statsTop(by, w.since(), w.until(), limit)) {
            data.addObject().put("key", t.key()).put("requests", t.requests()).put("tokens", t.tokens()).put("spend", t.spend().dollars());
        }
        Responses.json(res, body);
    }

    private static Instant instant(String name, String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest("Query '" + name + "' must be an ISO-8601 instant such as 2026-11-25T00:00:00Z, got '" + s + "'");
        }
    }

    private static int limit(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= MAX_TOP) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw ApiException.invalidRequest("Query 'limit' must be an integer from 1 to " + MAX_TOP + ", got '" + s + "'");
    }
}
