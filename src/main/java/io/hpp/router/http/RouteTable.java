package io.hpp.router.http;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Registers routes on one listener's routing and remembers them, so that the fallback can tell an unknown path (404)
 * from a known path asked with the wrong method (405, with {@code Allow}). A route whose path the listener does not
 * serve (the admin API when it has a port of its own) is left out: there it is an unknown path.
 */
final class RouteTable {
    private record Entry(Method method, PathMatcher matcher) {
    }

    private final HttpRouting.Builder routing;
    private final Predicate<String> serves;
    private final List<Entry> entries = new ArrayList<>();

    RouteTable(HttpRouting.Builder routing, Predicate<String> serves) {
        this.routing = routing;
        this.serves = serves;
    }

    RouteTable add(Method method, String path, Handler handler) {
        if (!serves.test(path)) {
            return this;
        }
        entries.add(new Entry(method, PathMatchers.create(path)));
        routing.route(method, path, handler);
        return this;
    }

    /** Methods allowed on {@code path}; empty when no route has that path. */
    Set<String> allowed(String path) {
        Set<String> methods = new LinkedHashSet<>();
        for (Entry e : entries) {
            if (e.matcher().match(io.helidon.common.uri.UriPath.create(path)).accepted()) {
                methods.add(e.method().text());
            }
        }
        return methods;
    }
}
