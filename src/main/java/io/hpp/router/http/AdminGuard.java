package io.hpp.router.http;

import io.hpp.router.ApiException;
import io.hpp.router.config.Secret;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** The admin bearer token check, in constant time; no token configured means the admin API is disabled (404). */
final class AdminGuard {
    private final Optional<Secret> token;

    AdminGuard(Optional<Secret> token) {
        this.token = token;
    }

    void require(ServerRequest req) {
        if (token.isEmpty()) {
            throw ApiException.notFound("The admin API is disabled: set HPP_ROUTER_ADMIN_TOKEN to enable it");
        }
        byte[] expected = token.get().reveal().getBytes(StandardCharsets.UTF_8);
        byte[] given = Authenticator.bearer(req).orElse("").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new ApiException(401, "unauthorized", "Invalid admin token");
        }
    }
}
