package io.hpp.router.http;

import io.hpp.router.ApiException;
import io.hpp.router.observe.AccessLog;
import io.hpp.router.observe.Metrics;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.concurrent.Semaphore;
import org.slf4j.MDC;

/**
 * Every request gets an id ({@code X-Request-Id}, the client's own when well formed), carried in the logs' MDC;
 * requests the chat and image pipelines did not take over are counted and access-logged here.
 */
final class Observability implements Filter {
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    private final Metrics metrics;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final BodyBudget bodies;

    /**
     * @param maxInFlight requests handled at once (health, readiness and metrics are not counted)
     * @param bodies      the bytes of request bodies those may hold at once ({@link Requests#body} takes them)
     */
    Observability(Metrics metrics, int maxInFlight, BodyBudget bodies) {
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.bodies = bodies;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long t0 = System.nanoTime();
        RequestTag tag = RequestTag.of(req.headers().first(REQUEST_ID).orElse(null));
        req.context().register(tag);
        res.header(REQUEST_ID, tag.id);
        MDC.put("request_id", tag.id);
        boolean counted = false;
        BodyBudget.Ticket ticket = null;
        try {
            if (!endpoint(req.path().path()).equals("ops")) {
                counted = inFlight.tryAcquire();
                if (!counted) {
                    throw ApiException.overloaded(maxInFlight);
                }
                ticket = bodies.ticket();
                req.context().register(ticket);
            }
            chain.proceed();
        } finally {
            if (counted) {
                ticket.close();
                inFlight.release();
            }
            MDC.remove("request_id");
            if (!tag.pipelined) {
                long nanos = System.nanoTime() - t0;
                int status = res.status().code();
                String path = req.path().path();
                String endpoint = endpoint(path);
                metrics.request(endpoint, status, nanos);
                if (!endpoint.equals("ops") || status >= 400) {
                    AccessLog.plain(tag.id, req.prologue().method().text(), path, status, nanos / 1000);
                }
            }
        }
    }

    /** A bounded endpoint label for a path. */
    static String endpoint(String path) {
        return switch (path) {
            case "/llm/v1/chat/completions" -> "chat";
            case "/v1/images/generations" -> "images";
            case "/llm/v1/models" -> "models";
            case "/api/usage" -> "usage";
            case "/api/quota-check" -> "quota_check";
            case "/api/route-preview" -> "route_preview";
            case "/metrics", "/healthz", "/readyz", "/openapi.yaml" -> "ops";
            default -> path.startsWith("/api/requests/") ? "audit" : path.startsWith("/admin/") ? "admin"
                    : path.startsWith("/playground") || path.startsWith("/docs") ? "static" : "other";
        };
    }

    static RequestTag tag(io.helidon.webserver.http.ServerRequest req) {
        return req.context().get(RequestTag.class).orElseGet(() -> RequestTag.of(null));
    }
}
