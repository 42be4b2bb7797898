package io.hpp.router.http;

import io.helidon.common.uri.UriQuery;
import io.hpp.router.common.ApiException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Query parameter values read the same way on every admin route: a bad one is a 400 that names it and what it got. */
final class QueryParams {
    private QueryParams() {
    }

    /** A parameter's value; an empty one (a form's blank field) is none. */
    static Optional<String> text(UriQuery q, String name) {
        return q.first(name).asOptional().filter(v -> !v.isEmpty());
    }

    /** An ISO-8601 instant. */
    static Instant instant(String name, String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest("Query '" + name + "' must be an ISO-8601 instant such as 2026-11-25T00:00:00Z, got '" + s + "'");
        }
    }

    /** A whole number from 1 to {@code max}. */
    static int count(String name, String s, int max) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw ApiException.invalidRequest("Query '" + name + "' must be an integer from 1 to " + max + ", got '" + s + "'");
    }
}
