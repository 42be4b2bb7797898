package io.hpp.router.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The playground ({@code /playground}), the operator console ({@code /console}) and the API docs ({@code /docs}, Swagger UI from its webjar), served from
 * the classpath. Only the listed files exist; each is read once at start-up.
 */
final class StaticRoutes {
    private static final String SWAGGER = "/META-INF/resources/webjars/swagger-ui/5.34.1/";
    private static final String CSP = "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
            + "connect-src 'self'; frame-ancestors 'none'";
    /** The console holds the admin token: nothing inline, nothing from elsewhere, no forms posted anywhere. */
    private static final String CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(byte[] bytes, String type) {
    }

    private final Map<String, Asset> assets = Map.ofEntries(
            page("/console", "/console/index.html", "text/html; charset=utf-8"),
            page("/console/app.js", "/console/app.js", "text/javascript; charset=utf-8"),
            page("/console/pages.js", "/console/pages.js", "text/javascript; charset=utf-8"),
            page("/console/style.css", "/console/style.css", "text/css; charset=utf-8"),
            page("/playground", "/playground/index.html", "text/html; charset=utf-8"),
            page("/playground/app.js", "/playground/app.js", "text/javascript; charset=utf-8"),
            page("/playground/style.css", "/playground/style.css", "text/css; charset=utf-8"),
            page("/docs", "/docs/index.html", "text/html; charset=utf-8"),
            page("/docs/init.js", "/docs/init.js", "text/javascript; charset=utf-8"),
            page("/docs/assets/swagger-ui.css", SWAGGER + "swagger-ui.css", "text/css; charset=utf-8"),
            page("/docs/assets/swagger-ui-bundle.js", SWAGGER + "swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
            // the top bar's picker between the consumer and the admin document
            page("/docs/assets/swagger-ui-standalone-preset.js", SWAGGER + "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"));

    void register(RouteTable routes) {
        for (String path : assets.keySet()) {
            routes.add(Method.GET, path, this::serve);
        }
        routes.add(Method.GET, "/playground/", (req, res) -> redirect(res, "/playground"));
        routes.add(Method.GET, "/docs/", (req, res) -> redirect(res, "/docs"));
        routes.add(Method.GET, "/console/", (req, res) -> redirect(res, "/console"));
    }

    private void serve(ServerRequest req, ServerResponse res) {
        Asset a = assets.get(req.path().path());
        res.header(HeaderNames.CONTENT_TYPE, a.type());
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        boolean console = req.path().path().startsWith("/console");
        res.header(HeaderNames.create("Content-Security-Policy"), console ? CONSOLE_CSP : CSP);
        if (console) {
            res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        }
        res.send(a.bytes());
    }

    private static void redirect(ServerResponse res, String to) {
        res.status(301);
        res.header(HeaderNames.LOCATION, to);
        res.send();
    }

    private static Map.Entry<String, Asset> page(String path, String resource, String type) {
        return Map.entry(path, asset(resource, type));
    }

    private static Asset asset(String resource, String type) {
        try (InputStream in = StaticRoutes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
