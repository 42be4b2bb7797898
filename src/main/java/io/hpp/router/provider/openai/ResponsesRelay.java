package io.hpp.router.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.provider.Relayed;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.upstream.Upstream;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.UsageReader;
import java.io.IOException;
import java.util.Optional;

/**
 * Relays one OpenAI Responses event stream to a Responses client as it came. Read are only the events that carry the
 * response object ({@code response.created}, {@code .in_progress}, {@code .completed}, {@code .incomplete}: its model
 * renamed; the last two's usage read) and the text deltas (for an estimate if the stream is cut before its usage);
 * every other event, unknown ones included, goes on untouched. {@code response.failed}, {@code error} and a stream
 * that ends before its last event are thrown, for the caller to end its client's stream.
 */
final class ResponsesRelay {
    private final String provider;
    private final String answerModel;
    private final Relayed.FrameListener listener;

    ResponsesRelay(String provider, String answerModel, Relayed.FrameListener listener) {
        this.provider = provider;
        this.answerModel = answerModel;
        this.listener = listener;
    }

    /** Reads the stream to its last event. */
    void run(Upstream.Exchange ex, int maxEvent) {
        Relayed.read(ex, maxEvent, listener, provider, "response.completed",
                e -> object(e.bytes()).path("type").asText("message"), this::onEvent);
    }

    /** One event; true when it was the last. */
    private boolean onEvent(String name, byte[] data) {
        switch (name) {
            case "response.created", "response.in_progress", "response.queued" -> send(name, renamed(object(data)), Optional.empty(), "");
            case "response.completed", "response.incomplete" -> {
                ObjectNode e = object(data);
                Optional<TokenUsage> usage = usage(e.path("response").path("usage"));
                send(name, renamed(e), usage, "");
                return true;
            }
            case "response.output_text.delta", "response.function_call_arguments.delta", "response.refusal.delta" ->
                    send(name, data, Optional.empty(), object(data).path("delta").asText(""));
            case "response.failed" -> throw failure(object(data).path("response").path("error"));
            case "error" -> throw failure(object(data));
            default -> send(name, data, Optional.empty(), "");
        }
        return false;
    }

    /** Responses usage → ours: {@code input_tokens} include the cached ones, {@code output_tokens} the reasoning ones. */
    static Optional<TokenUsage> usage(JsonNode u) {
        if (!u.isObject() || !u.has("input_tokens")) {
            return Optional.empty();
        }
        ObjectNode chat = Json.object();
        chat.set("prompt_tokens", u.get("input_tokens"));
        chat.set("completion_tokens", u.path("output_tokens"));
        if (u.path("input_tokens_details").has("cached_tokens")) {
            chat.putObject("prompt_tokens_details").set("cached_tokens", u.get("input_tokens_details").get("cached_tokens"));
        }
        return UsageReader.read(chat);
    }

    private ProviderException failure(JsonNode error) {
        String code = error.path("code").asText("");
        int status = switch (code) {
            case "rate_limit_exceeded" -> 429;
            case "server_error", "" -> 500;
            default -> code.contains("overloaded") ? 503 : 500;
        };
        return ProviderException.fromStatus(provider, status, error.path("message").asText("the response failed"));
    }

    private byte[] renamed(ObjectNode event) {
        JsonNode response = event.get("response");
        if (response instanceof ObjectNode r && r.has("model")) {
            r.put("model", answerModel);
        }
        return Json.bytes(event);
    }

    private void send(String name, byte[] given, Optional<TokenUsage> usage, String text) {
        byte[] data = Relayed.Frame.multiline(given) ? Json.bytes(object(given)) : given;
        listener.onFrame(Relayed.Frame.of(name, data, usage, text));
    }

    private ObjectNode object(byte[] data) {
        try {
            JsonNode n = Json.readTree(data);
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            // below
        }
        throw ProviderException.badResponse(provider, "a Responses event that is not a JSON object");
    }
}
