package io.hpp.router.http;

import io.hpp.router.common.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

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
