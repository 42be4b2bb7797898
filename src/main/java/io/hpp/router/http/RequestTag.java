package io.hpp.router.http;

import java.util.regex.Pattern;

/**
 * The request's id (returned in {@code X-Request-Id}) and whether the chat or image pipeline took the request over
 * (then it records the request's metrics and access-log line itself). Lives in Helidon's request context.
 */
final class RequestTag {
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    final String id;
    volatile boolean pipelined;

    private RequestTag(String id) {
        this.id = id;
    }

    /** The request's tag, marked as taken over by a pipeline (which then records metrics and access log itself). */
    static RequestTag pipelined(io.helidon.webserver.http.ServerRequest req) {
        RequestTag tag = Observability.tag(req);
        tag.pipelined = true;
        return tag;
    }

    /** Keeps the client's id when it is well formed; makes one otherwise. */
    static RequestTag of(String incoming) {
        if (incoming != null && WELL_FORMED.matcher(incoming).matches()) {
            return new RequestTag(incoming);
        }
        return new RequestTag(io.hpp.router.common.Ids.timeOrderedToken("req_", 15));
    }
}
