package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.messages.MessagesErrors;
import io.hpp.router.dialect.responses.ResponsesErrors;
import io.hpp.router.store.StoreException;
import io.hpp.router.upstream.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become HTTP responses, always in one of the two documented envelopes. */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /** A status and a JSON body. */
    public record Rendered(int status, ObjectNode body) {
    }

    public static Rendered render(Throwable t) {
        return switch (t) {
            case ApiException e -> simple(e.status(), e.code(), e.getMessage());
            case ProviderException e -> new Rendered(e.clientStatus(), e.envelope());
            case StoreException e -> {
                LOG.warn("database unavailable: {}", e.getMessage());
                yield simple(503, "quota_unavailable", "Quota state cannot be verified: the database is unavailable");
            }
            case RequestException e when e.status().code() == 413 ->
                    simple(413, "payload_too_large", "Request body is larger than the configured limit");
            case RequestException e when e.status().code() < 500 ->
                    simple(e.status().code(), "invalid_request", "Malformed HTTP request");
            default -> {
                LOG.error("unexpected error", t);
                yield simple(500, "internal_error", "Unexpected gateway error");
            }
        };
    }

    public static Rendered simple(int status, String code, String message) {
        ObjectNode body = Json.object();
        body.put("error", code);
        body.put("message", message);
        return new Rendered(status, body);
    }

    /**
     * The error in Anthropic's shape, for the Messages API's paths: our code and message (a provider error's are inside
     * its envelope) with the status and type Anthropic uses ({@link MessagesErrors}).
     */
    static Rendered messages(Rendered ours) {
        MessagesErrors.Rendered r = MessagesErrors.of(ours.status(), code(ours), message(ours));
        return new Rendered(r.status(), r.body());
    }

    /** The error in OpenAI's own shape, for the Responses API's paths ({@link ResponsesErrors}). */
    static Rendered responses(Rendered ours) {
        ResponsesErrors.Rendered r = ResponsesErrors.of(ours.status(), code(ours), message(ours));
        return new Rendered(r.status(), r.body());
    }

    /** Our code: the gateway envelope's {@code error}, or a provider envelope's {@code error.code}. */
    private static String code(Rendered ours) {
        JsonNode inner = ours.body().path("error");
        return inner.isObject() ? inner.path("code").asText("provider_error") : inner.asText("internal_error");
    }

    private static String message(Rendered ours) {
        JsonNode inner = ours.body().path("error");
        return (inner.isObject() ? inner : ours.body()).path("message").asText("");
    }

    /** Writes the error unless the response is already under way (then the connection is simply closed). */
    public static void send(ServerRequest req, ServerResponse res, Throwable t) {
        if (res.isSent()) {
            LOG.debug("error after the response was sent on {}: {}", req.path().path(), t.toString());
            return;
        }
        String path = req.path().path();
        Rendered r = path.startsWith(MessagesRoutes.MESSAGES) ? messages(render(t))
                : path.startsWith(ResponsesRoutes.RESPONSES) ? responses(render(t)) : render(t);
        res.status(r.status());
        if (t instanceof ApiException e) {
            e.retryAfterSeconds().ifPresent(s -> res.header(HeaderNames.RETRY_AFTER, Long.toString(s)));
        }
        Responses.json(res, r.body());
    }
}
