package io.hpp.router.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.admin.Admin;
import io.hpp.router.admin.RoutingAdmin;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.billing.QuotaCache;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.chat.ChatService;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.images.ImageService;
import io.hpp.router.observe.Metrics;
import io.hpp.router.routing.SmartRouter;
import io.hpp.router.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the router: builds Helidon's listeners and their routing from our routes, the error mapping, CORS,
 * and the 404/405 fallback. The only package that touches Helidon server types.
 */
public final class RouterServer {
    private static final Logger LOG = LoggerFactory.getLogger(RouterServer.class);

    /** What the routes need. */
    public record Services(Store store, ApiKeys keys, ModelCatalog catalog, QuotaCache quotaCache, Admin admin,
                           ChatService chat, SmartRouter smartRouter, RoutingAdmin routingAdmin, ImageService images,
                           Metrics metrics, java.util.Set<String> providers, io.hpp.router.billing.SetAsideFile setAside,
                           java.util.function.Supplier<java.util.Optional<String>> journalFailure) {
    }

    private RouterServer() {
    }

    public static WebServer start(RouterConfig config, Services s) {
        byte[] openapi = resource("/openapi/consumer-v1.yaml");
        byte[] adminOpenapi = resource("/openapi/admin-v1.yaml");
        RouterConfig.Resilience resilience = config.resilience();
        RouterConfig.Edge edge = config.edge();
        BodyBudget bodies = new BodyBudget(resilience.maxInFlightBodyBytes(), edge.maxBodyBytesPerConsumer(),
                resilience.maxInFlightAnswerBytes(), resilience.answerMemoryWait());
        s.metrics().gauge("hpp_request_body_bytes_held", "Bytes of request bodies the requests in flight hold", bodies::requestBytesHeld);
        s.metrics().gauge("hpp_answer_bytes_held", "Bytes of non-streamed answers the requests in flight hold", bodies::answerBytesHeld);
        Connections connections = new Connections(edge, s.metrics());
        s.metrics().gauge("hpp_connections_open", "Client connections open", connections::openCount);
        Observability observability = new Observability(s.metrics(), resilience.maxInFlight(), bodies, connections);
        Cors cors = new Cors(config.corsOrigins());
        List<Consumer<RouteTable>> routes = routes(config, s, openapi, adminOpenapi, observability::inFlight);
        WebServerConfig.Builder server = WebServer.builder().shutdownHook(false).shutdownGracePeriod(resilience.drainTimeout());
        for (Listener l : listeners(config)) {
            Consumer<HttpRouting.Builder> routing = r -> {
                r.addFilter(observability);
                r.addFilter(cors);
                r.error(Throwable.class, ErrorResponses::send);
                RouteTable table = new RouteTable(r, l.serves());
                routes.forEach(register -> register.accept(table));
                r.any((req, res) -> fallback(table, req, res));
            };
            if (l.name().equals(WebServer.DEFAULT_SOCKET_NAME)) {
                listener(server, l, config, connections).routing(routing);
            } else {
                server.putSocket(l.name(), b -> listener(b, l, config, connections).routing(routing));
            }
        }
        WebServer started = server.build().start();
        for (Listener l : listeners(config)) {
            if (!l.name().equals(WebServer.DEFAULT_SOCKET_NAME)) {
                LOG.info("{} listener on http://{}:{} (served there only)", l.name(), l.host(), started.port(l.name()));
            }
        }
        return started;
    }

    /** A listener: its name, where it binds, and which paths it serves. */
    private record Listener(String name, String host, int port, Predicate<String> serves) {
    }

    /**
     * The public listener serves everything, unless the admin API or the metrics have a port of their own: then they
     * are served there only (with health and readiness beside the metrics, for probes on an internal port).
     */
    private static List<Listener> listeners(RouterConfig config) {
        RouterConfig.Edge edge = config.edge();
        Predicate<String> admin = p -> p.startsWith("/admin/");
        Predicate<String> metrics = p -> p.equals("/metrics");
        Predicate<String> ops = metrics.or(p -> p.equals("/healthz") || p.equals("/readyz"));
        boolean adminApart = edge.adminPort().isPresent();
        boolean metricsApart = edge.metricsPort().isPresent();
        List<Listener> listeners = new ArrayList<>();
        listeners.add(new Listener(WebServer.DEFAULT_SOCKET_NAME, config.host(), config.port(),
                p -> !(adminApart && admin.test(p)) && !(metricsApart && metrics.test(p))));
        if (adminApart && metricsApart && edge.adminPort().getAsInt() != 0 && edge.adminPort().equals(edge.metricsPort())) {
            listeners.add(new Listener("internal", edge.internalHost(), edge.adminPort().getAsInt(), admin.or(ops)));
            return listeners;
        }
        if (adminApart) {
            listeners.add(new Listener("admin", edge.internalHost(), edge.adminPort().getAsInt(), admin));
        }
        if (metricsApart) {
            listeners.add(new Listener("metrics", edge.internalHost(), edge.metricsPort().getAsInt(), ops));
        }
        return listeners;
    }

    /**
     * One listener's socket settings. Our {@link Connections} is its only connection selector (discovery off), so
     * Helidon hands it every connection on accept, before reading a byte.
     */
    private static <B extends ListenerConfig.BuilderBase<B, ?>> B listener(B b, Listener l, RouterConfig config, Connections connections) {
        return b.host(l.host())
                .port(l.port())
                .maxPayloadSize(config.maxBodyBytes())
                .maxTcpConnections(config.resilience().maxConnections())
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .protocolsDiscoverServices(false)
                .addConnectionSelector(connections)
                .directHandlers(directHandlers());
    }

    /** Each group of routes, registered on every listener's table (which keeps the paths it serves). */
    private static List<Consumer<RouteTable>> routes(RouterConfig config, Services s, byte[] openapi, byte[] adminOpenapi,
                                                     java.util.function.IntSupplier inFlight) {
        AuthThrottle throttle = new AuthThrottle(config.edge().authFailureLimit(), config.edge().authFailureWindow(), s.metrics());
        Authenticator auth = new Authenticator(s.keys(), throttle);
        AdminGuard adminGuard = AdminGuard.admin(config.adminToken(), throttle);
        AdminGuard metricsGuard = AdminGuard.metrics(config.edge().metricsToken(), throttle);
        return List.of(
                new ConsumerRoutes(auth, s.store(), s.catalog(), s.quotaCache())::register,
                new ChatRoutes(auth, s.chat())::register,
                new MessagesRoutes(auth, s.chat(), new MessagesChannel.Pings(config.resilience().streamPing()))::register,
                new ResponsesRoutes(auth, s.chat(), new ResponsesConversations(s.store(), config.responsesRetention()))::register,
                new ImageRoutes(auth, s.images())::register,
                new AdminRoutes(adminGuard, s.admin(), s.chat()::health)::register,
                new RoutingRoutes(auth, adminGuard, s.smartRouter(), s.routingAdmin(), s.catalog())::register,
                new AuditRoutes(auth, adminGuard, s.store())::register,
                new OpsRoutes(s.metrics(), metricsGuard, s.store(), s.providers(), config.providerStates(), s.setAside(),
                        s.journalFailure())::register,
                new ProviderRoutes(adminGuard, config, s.store())::register,
                new StatsRoutes(adminGuard, s.store(), java.time.Instant::now, s.chat()::health, inFlight)::register,
                new StaticRoutes()::register,
                routes -> routes.add(Method.GET, "/openapi.yaml", (req, res) -> yaml(res, openapi))
                        // Public like /openapi.yaml (a document, no data); under /admin/ so it follows the admin API to its own port.
                        .add(Method.GET, "/admin/openapi.yaml", (req, res) -> yaml(res, adminOpenapi)));
    }

    private static void yaml(ServerResponse res, byte[] document) {
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
        res.send(document);
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
