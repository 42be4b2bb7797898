package io.hpp.router.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.common.ApiException;
import io.hpp.router.store.ApiKeyRecord;
import java.util.Optional;

/**
 * Finds the consumer's key in {@code apikey}, {@code x-api-key} (Anthropic's SDKs and Claude Code) or
 * {@code Authorization: Bearer}; 401 in the exact envelope otherwise, and
 * 429 once the client's address has presented too many wrong keys ({@link AuthThrottle}). The request's body, read
 * after this, then counts against the consumer's share of the body budget.
 */
final class Authenticator {
    private static final HeaderName APIKEY = HeaderNames.create("apikey");
    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");

    private final ApiKeys keys;
    private final AuthThrottle throttle;

    Authenticator(ApiKeys keys, AuthThrottle throttle) {
        this.keys = keys;
        this.throttle = throttle;
    }

    ApiKeyRecord require(ServerRequest req) {
        Optional<String> presented = presentedKey(req);
        if (presented.isEmpty()) {
            throw ApiException.unauthorized();
        }
        String address = AuthThrottle.address(req);
        throttle.check(address);
        Optional<ApiKeyRecord> key = keys.verify(presented.get());
        if (key.isEmpty()) {
            throttle.failed(address);
            throw ApiException.unauthorized();
        }
        req.context().get(BodyBudget.Ticket.class).ifPresent(t -> t.consumer(key.get().consumerId()));
        return key.get();
    }

    static Optional<String> presentedKey(ServerRequest req) {
        Optional<String> apikey = req.headers().first(APIKEY).map(String::trim).filter(s -> !s.isEmpty());
        if (apikey.isPresent()) {
            return apikey;
        }
        Optional<String> xApiKey = req.headers().first(X_API_KEY).map(String::trim).filter(s -> !s.isEmpty());
        return xApiKey.isPresent() ? xApiKey : bearer(req);
    }

    static Optional<String> bearer(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).trim())
                .filter(s -> !s.isEmpty());
    }
}
