package io.hpp.router.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.common.Json;

/** Writing JSON bodies. */
final class Responses {
    private Responses() {
    }

    static void json(ServerResponse res, Object body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }

    static void json(ServerResponse res, int status, Object body) {
        res.status(status);
        json(res, body);
    }
}
