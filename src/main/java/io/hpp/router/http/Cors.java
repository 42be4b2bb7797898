package io.hpp.router.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CORS for browser clients of the consumer API only (never the admin API): the configured origins (default any) may
 * call with their key; the routing headers are exposed; preflight requests are answered here.
 */
final class Cors implements Filter {
    private final java.util.Set<String> origins;

    /** @param origins allowed origins; {@code *} allows any */
    Cors(java.util.Set<String> origins) {
        this.origins = origins;
    }

    private static boolean consumerApi(String path) {
        return path.startsWith("/llm/") || path.startsWith("/v1/") || path.startsWith("/api/");
    }
    static final String EXPOSED = "X-HPP-Router-Resolved-Model, X-HPP-Router-Basket, X-HPP-Router-Rule-Id, "
            + "X-HPP-Router-Rules-Version, X-HPP-Router-Tier, X-Request-Id, Retry-After";

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (!consumerApi(req.path().path()) || origin == null && !origins.contains("*")) {
            chain.proceed();
            return;
        }
        if (origins.contains("*")) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else if (origins.contains(origin)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            res.header(HeaderNames.VARY, "Origin");
        } else {
            chain.proceed();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        if (req.prologue().method() == Method.OPTIONS && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE, OPTIONS");
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, apikey, Content-Type, X-Request-Id");
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            res.status(204).send();
            return;
        }
        chain.proceed();
    }
}
