package io.hpp.router.http;

import io.hpp.router.ApiException;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.store.ApiKeyRecord;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/** Finds the consumer's key in {@code apikey} or {@code Authorization: Bearer}; 401 in the exact envelope otherwise. */
final class Authenticator {
    private static final HeaderName APIKEY = HeaderNames.create("apikey");

    private final ApiKeys keys;

    Authenticator(ApiKeys keys) {
        this.keys = keys;
    }

    ApiKeyRecord require(ServerRequest req) {
        return presentedKey(req).flatMap(keys::verify).orElseThrow(ApiException::unauthorized);
    }

    static Optional<String> presentedKey(ServerRequest req) {
        Optional<String> apikey = req.headers().first(APIKEY).map(String::trim).filter(s -> !s.isEmpty());
        if (apikey.isPresent()) {
            return apikey;
        }
        return bearer(req);
    }

    static Optional<String> bearer(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).trim())
                .filter(s -> !s.isEmpty());
    }
}
