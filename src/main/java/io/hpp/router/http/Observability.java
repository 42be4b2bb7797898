package io.hpp.router.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.hpp.router.common.ApiException;
import io.hpp.router.observe.AccessLog;
import io.hpp.router.observe.Metrics;
import java.util.concurrent.Semaphore;
import org.slf4j.MDC;

/**
 * Every request gets an id ({@code X-Request-Id}, the client's own when well formed), carried in the logs' MDC;
 * requests the chat and image pipelines did not take over are counted and access-logged here. It also tells the
 * request's connection when the request starts and ends (its deadlines change), and refuses a connection its address
 * should not have opened.
 */
final class Observability implements Filter {
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    private final Metrics metrics;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final BodyBudget bodies;
    private final Connections connections;

    /**
     * @param maxInFlight requests handled at once (health, readiness and metrics are not counted)
     * @param bodies      the bytes of request bodies those may hold at once ({@link Requests#body} takes them)
     * @param connections the connections requests arrive on, whose deadline sweeper runs while the server does
     */
    Observability(Metrics metrics, int maxInFlight, BodyBudget bodies, Connections connections) {
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.bodies = bodies;
        this.connections = connections;
    }

    @Override
    public void beforeStart() {
        connections.start();
    }

    @Override
    public void afterStop() {
        connections.stop();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long t0 = System.nanoTime();
        RequestTag tag = RequestTag.of(req.headers().first(REQUEST_ID).orElse(null));
        req.context().register(tag);
        res.header(REQUEST_ID, tag.id);
        MDC.put("request_id", tag.id);
        BodyBudget.Ticket ticket = null;
        GuardedConnection connection = Connections.current();
        try {
            try {
                ticket = admit(connection, req, res, tag);
            } catch (ApiException refused) {
                // answered here, not by the routing's error handler, which runs after this filter (and its log) ends
                ErrorResponses.send(req, res, refused);
                if (connection != null && connection.refused()) {
                    // Helidon keeps a connection open after a response that says Connection: close; this closes it
                    throw new CloseConnectionException("the client address holds its limit of connections");
                }
                return;
            }
            chain.proceed();
        } finally {
            if (ticket != null) {
                ticket.close();
                inFlight.release();
            }
            if (connection != null) {
                connection.requestEnded(req.content().hasEntity() && !req.content().consumed());
            }
            MDC.remove("request_id");
            if (!tag.pipelined) {
                long nanos = System.nanoTime() - t0;
                int status = connection != null ? connection.statusSent(res.status().code()) : res.status().code();
                String path = req.path().path();
                String endpoint = endpoint(path);
                metrics.request(endpoint, status, nanos);
                if (!endpoint.equals("ops") || status >= 400) {
                    AccessLog.plain(tag.id, req.prologue().method().text(), path, status, nanos / 1000);
                }
            }
        }
    }

    /**
     * Lets the request in: its connection stops waiting for it (and must not be one its address should not have
     * opened), and unless it is for health, readiness or metrics it takes a place among the requests in flight and a
     * ticket for the body bytes it will hold (null for those).
     */
    private BodyBudget.Ticket admit(GuardedConnection connection, RoutingRequest req, RoutingResponse res, RequestTag tag) {
        if (connection != null) {
            connection.requestStarted(tag.id);
            if (connection.refused()) {
                res.header(HeaderValues.CONNECTION_CLOSE);
                throw ApiException.rateLimited("This client address holds its limit of "
                        + connections.limits().maxConnectionsPerAddress() + " open connections; reuse or close one", 1);
            }
        }
        if (endpoint(req.path().path()).equals("ops")) {
            return null;
        }
        if (!inFlight.tryAcquire()) {
            throw ApiException.overloaded(maxInFlight);
        }
        BodyBudget.Ticket ticket = bodies.ticket();
        req.context().register(ticket);
        return ticket;
    }

    /** The requests this node is handling now (health, readiness and metrics are not counted). */
    int inFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    /** A bounded endpoint label for a path. */
    static String endpoint(String path) {
        return switch (path) {
            case "/llm/v1/chat/completions" -> "chat";
            case MessagesRoutes.MESSAGES -> "messages";
            case MessagesRoutes.COUNT_TOKENS -> "count_tokens";
            case ResponsesRoutes.RESPONSES -> "responses";
            case "/v1/images/generations" -> "images";
            case "/llm/v1/models" -> "models";
            case "/api/usage" -> "usage";
            case "/api/quota-check" -> "quota_check";
            case "/api/route-preview" -> "route_preview";
            case "/metrics", "/healthz", "/readyz", "/openapi.yaml" -> "ops";
            default -> path.startsWith("/llm/v1/responses/") ? "responses" : path.startsWith("/api/requests/") ? "audit" : path.startsWith("/admin/") ? "admin"
                    : path.startsWith("/playground") || path.startsWith("/docs") ? "static" : "other";
        };
    }

    static RequestTag tag(io.helidon.webserver.http.ServerRequest req) {
        return req.context().get(RequestTag.class).orElseGet(() -> RequestTag.of(null));
    }
}
