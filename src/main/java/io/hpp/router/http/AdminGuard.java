package io.hpp.router.http;

import io.helidon.webserver.http.ServerRequest;
import io.hpp.router.common.ApiException;
import io.hpp.router.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A bearer token check, in constant time, throttled per client address ({@link AuthThrottle}): the admin token, whose
 * absence disables the admin API (404), and the metrics token, whose absence leaves {@code /metrics} open.
 */
final class AdminGuard {
    private final Optional<Secret> token;
    private final AuthThrottle throttle;
    private final String what;
    private final boolean requiredToServe;

    private AdminGuard(Optional<Secret> token, AuthThrottle throttle, String what, boolean requiredToServe) {
        this.token = token;
        this.throttle = throttle;
        this.what = what;
        this.requiredToServe = requiredToServe;
    }

    /** The admin API's guard: without a token the admin API is disabled. */
    static AdminGuard admin(Optional<Secret> token, AuthThrottle throttle) {
        return new AdminGuard(token, throttle, "admin", true);
    }

    /** The metrics' guard: without a token {@code /metrics} is open. */
    static AdminGuard metrics(Optional<Secret> token, AuthThrottle throttle) {
        return new AdminGuard(token, throttle, "metrics", false);
    }

    void require(ServerRequest req) {
        if (token.isEmpty()) {
            if (requiredToServe) {
                throw ApiException.notFound("The admin API is disabled: set HPP_ROUTER_ADMIN_TOKEN to enable it");
            }
            return;
        }
        Optional<String> presented = Authenticator.bearer(req);
        if (presented.isEmpty()) {
            throw invalid();
        }
        String address = AuthThrottle.address(req);
        throttle.check(address);
        byte[] expected = token.get().reveal().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, presented.get().getBytes(StandardCharsets.UTF_8))) {
            throttle.failed(address);
            throw invalid();
        }
    }

    private ApiException invalid() {
        return new ApiException(401, "unauthorized", "Invalid " + what + " token");
    }
}
