package io.hpp.router.http;

import static io.hpp.router.http.QueryParams.text;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.routing.Basket;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.LogFilter;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Request audit: a consumer reads its own request by the {@code X-Request-Id} it was given (404 for anyone else's);
 * operators page through the log, newest first, with an opaque cursor.
 */
final class AuditRoutes {
    private static final int MAX_PAGE = 500;

    private final Authenticator auth;
    private final AdminGuard admin;
    private final Store store;

    AuditRoutes(Authenticator auth, AdminGuard admin, Store store) {
        this.auth = auth;
        this.admin = admin;
        this.store = store;
    }

    void register(RouteTable routes) {
        routes.add(Method.GET, "/api/requests/{id}", this::own)
                .add(Method.GET, "/admin/v1/requests", this::page);
    }

    private void own(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        String id = req.path().pathParameters().get("id");
        RequestLogEntry e = store.requestByRequestId(key.consumerId(), id)
                .orElseThrow(() -> ApiException.notFound("No request '" + id + "' of yours was found"));
        Responses.json(res, view(e));
    }

    private void page(ServerRequest req, ServerResponse res) {
        admin.require(req);
        var q = req.query();
        LogFilter filter = new LogFilter(text(q, "consumer_id"), text(q, "key_id"), text(q, "model"), text(q, "basket").map(AuditRoutes::basket),
                text(q, "status").map(AuditRoutes::status), text(q, "since").map(t -> QueryParams.instant("since", t)),
                text(q, "until").map(t -> QueryParams.instant("until", t)));
        if (filter.since().isPresent() && filter.until().isPresent() && !filter.since().get().isBefore(filter.until().get())) {
            throw ApiException.invalidRequest("Query 'since' (" + filter.since().get() + ") must be before 'until' (" + filter.until().get() + ")");
        }
        int limit = q.first("limit").asOptional().map(s -> QueryParams.count("limit", s, MAX_PAGE)).orElse(100);
        Optional<Store.LogCursor> cursor = q.first("cursor").asOptional().map(AuditRoutes::cursor);
        List<RequestLogEntry> rows = store.requestLogPage(filter, cursor, limit);
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        rows.forEach(r -> data.add(view(r).put("consumer_id", r.consumerId()).put("key_id", r.keyId())));
        if (rows.size() == limit) {
            RequestLogEntry last = rows.getLast();
            body.put("next_cursor", Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.createdAt().toEpochMilli() + ":" + last.id()).getBytes(StandardCharsets.UTF_8)));
        } else {
            body.putNull("next_cursor");
        }
        Responses.json(res, body);
    }

    static ObjectNode view(RequestLogEntry e) {
        ObjectNode n = Json.object();
        n.put("id", e.meta().requestId());
        n.put("created_at", e.createdAt().toString());
        n.put("endpoint", e.meta().endpoint());
        n.put("requested_model", e.requestedModel());
        n.put("resolved_model", e.resolvedModel().orElse(null));
        n.put("deployment", e.meta().deployment().orElse(null));
        ObjectNode routing = n.putObject("routing");
        routing.put("basket", e.basket().orElse(null));
        routing.put("rule_id", e.ruleId().orElse(null));
        if (e.rulesVersion().isPresent()) {
            routing.put("rules_version", e.rulesVersion().get());
        } else {
            routing.putNull("rules_version");
        }
        routing.put("tier", e.tier().orElse(null));
        ObjectNode tokens = n.putObject("tokens");
        tokens.put("prompt", e.usage().promptTokens());
        tokens.put("completion", e.usage().output());
        tokens.put("cache_read", e.usage().cacheRead());
        tokens.put("cache_write", e.usage().cacheWrite());
        n.put("cost", e.cost().dollars());
        n.put("status", e.status());
        n.put("error", e.errorCode().orElse(null));
        n.put("stream", e.streamed());
        ObjectNode timings = n.putObject("timings_ms");
        timings.put("total", e.latencyMs());
        e.meta().upstreamMs().ifPresentOrElse(u -> timings.put("upstream", u), () -> timings.putNull("upstream"));
        e.ttftMs().ifPresentOrElse(t -> timings.put("first_token", t), () -> timings.putNull("first_token"));
        return n;
    }



    /** One of smart routing's baskets, as the log spells them. */
    private static String basket(String s) {
        for (Basket b : Basket.values()) {
            if (b.wire().equals(s)) {
                return s;
            }
        }
        throw ApiException.invalidRequest("Query 'basket' must be tool, simple, complex or streaming, got '" + s + "'");
    }

    /** {@code ok}, {@code error} or a status code. */
    private static LogFilter.Status status(String s) {
        return switch (s) {
            case "ok" -> new LogFilter.Status.Ok();
            case "error" -> new LogFilter.Status.Failed();
            default -> {
                if (s.matches("[1-5][0-9][0-9]")) {
                    yield new LogFilter.Status.Exactly(Integer.parseInt(s));
                }
                throw ApiException.invalidRequest("Query 'status' must be ok, error or a status code such as 429, got '" + s + "'");
            }
        };
    }


    private static Store.LogCursor cursor(String s) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            return new Store.LogCursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))), raw.substring(colon + 1));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw ApiException.invalidRequest("Query 'cursor' is not a cursor this API returned");
        }
    }
}
