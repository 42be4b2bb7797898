package io.hpp.router.http;

import io.hpp.router.images.ImageService;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/images/generations} (no /llm prefix, as the contract has it). */
final class ImageRoutes {
    private final Authenticator auth;
    private final ImageService images;

    ImageRoutes(Authenticator auth, ImageService images) {
        this.auth = auth;
        this.images = images;
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, "/v1/images/generations", this::generate);
    }

    private void generate(ServerRequest req, ServerResponse res) {
        var key = auth.require(req);
        byte[] body = Requests.body(req); // first: a refusal here is logged as a plain request
        images.handle(key, RequestTag.pipelined(req).id, body, new HelidonChannel(res));
    }
}
