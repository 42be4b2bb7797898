package io.hpp.router.http;

import io.hpp.router.ApiException;
import io.hpp.router.Json;
import io.hpp.router.admin.Admin;
import io.hpp.router.admin.RoutingAdmin;
import io.hpp.router.routing.SmartRouter;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.billing.QuotaCache;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.chat.ChatService;
import io.hpp.router.images.ImageService;
import io.hpp.router.observe.Metrics;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.store.Store;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The HTTP face of the router: builds Helidon's routing from our routes, the error mapping, CORS, and the 404/405
 * fallback. The only package that touches Helidon server types.
 */
public final class RouterServer {
    /** What the routes need. */
    public record Services(Store store, ApiKeys keys, ModelCatalog catalog, QuotaCache quotaCache, Admin admin,
                           ChatService chat, SmartRouter smartRouter, RoutingAdmin routingAdmin, ImageService images,
                           Metrics metrics, java.util.Set<String> providers, io.hpp.router.observe.SetAsideFile setAside) {
    }

    private RouterServer() {
    }

    public static WebServer start(RouterConfig config, Services s) {
        byte[] openapi = resource("/openapi/consumer-v1.yaml");
        return WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(config.maxBodyBytes())
                .maxTcpConnections(config.resilience().maxConnections())
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .directHandlers(directHandlers())
                .routing(r -> routing(r, config, s, openapi))
                .shutdownHook(false)
                .shutdownGracePeriod(config.resilience().drainTimeout())
                .build()
                .start();
    }

    private static void routing(HttpRouting.Builder r, RouterConfig config, Services s, byte[] openapi) {
        BodyBudget bodies = new BodyBudget(config.resilience().maxInFlightBodyBytes(),
                config.resilience().maxInFlightAnswerBytes(), config.resilience().answerMemoryWait());
        s.metrics().gauge("hpp_request_body_bytes_held", "Bytes of request bodies the requests in flight hold", bodies::requestBytesHeld);
        s.metrics().gauge("hpp_answer_bytes_held", "Bytes of non-streamed answers the requests in flight hold", bodies::answerBytesHeld);
        r.addFilter(new Observability(s.metrics(), config.resilience().maxInFlight(), bodies));
        r.addFilter(new Cors(config.corsOrigins()));
        r.error(Throwable.class, ErrorResponses::send);
        RouteTable routes = new RouteTable(r);
        Authenticator auth = new Authenticator(s.keys());
        new ConsumerRoutes(auth, s.store(), s.catalog(), s.quotaCache()).register(routes);
        new ChatRoutes(auth, s.chat()).register(routes);
        new ImageRoutes(auth, s.images()).register(routes);
        AdminGuard adminGuard = new AdminGuard(config.adminToken());
        new AdminRoutes(adminGuard, s.admin()).register(routes);
        new RoutingRoutes(auth, adminGuard, s.smartRouter(), s.routingAdmin()).register(routes);
        new AuditRoutes(auth, adminGuard, s.store()).register(routes);
        new OpsRoutes(s.metrics(), s.store(), s.providers(), s.setAside()).register(routes);
        new StaticRoutes().register(routes);
        routes.add(Method.GET, "/openapi.yaml", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(openapi);
        });
        r.any((req, res) -> fallback(routes, req, res));
    }

    private static void fallback(RouteTable routes, ServerRequest req, ServerResponse res) {
        Set<String> allowed = routes.allowed(req.path().path());
        if (allowed.isEmpty()) {
            throw ApiException.notFound("No route for " + req.prologue().method().text() + " " + req.path().path());
        }
        res.header(HeaderNames.ALLOW, String.join(", ", allowed));
        throw new ApiException(405, "method_not_allowed",
                "Method " + req.prologue().method().text() + " is not allowed on " + req.path().path() + "; use " + String.join(", ", allowed));
    }

    /** Errors Helidon answers before routing (oversized or malformed requests) get our envelope too. */
    private static DirectHandlers directHandlers() {
        DirectHandler handler = (request, eventType, status, headers, message) -> {
            ErrorResponses.Rendered r = status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()
                    ? ErrorResponses.simple(413, "payload_too_large", "Request body is larger than the configured limit")
                    : status.code() >= 500
                    ? ErrorResponses.simple(500, "internal_error", "Unexpected gateway error")
                    : ErrorResponses.simple(status.code(), "invalid_request", "Malformed HTTP request");
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .entity(Json.bytes(r.body()))
                    .build();
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, handler);
        }
        return b.build();
    }

    private static byte[] resource(String path) {
        try (InputStream in = RouterServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
