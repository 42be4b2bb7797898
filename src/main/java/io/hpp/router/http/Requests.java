package io.hpp.router.http;

import io.helidon.webserver.http.ServerRequest;

/** Reading request bodies (bounded by the server's maximum payload size). */
final class Requests {
    private static final byte[] EMPTY = new byte[0];

    private Requests() {
    }

    static byte[] body(ServerRequest req) {
        return req.content().hasEntity() ? req.content().as(byte[].class) : EMPTY;
    }
}
