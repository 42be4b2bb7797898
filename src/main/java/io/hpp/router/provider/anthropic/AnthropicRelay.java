package io.hpp.router.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.provider.Relayed;
import io.hpp.router.upstream.Upstream;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.UsageReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Relays one Anthropic event stream to a Messages client as it came, event by event. Only three kinds of event are
 * read: {@code message_start} (its model renamed, its usage read), {@code message_delta} (the final usage, which
 * replaces the start's field by field, never adds to it) and {@code content_block_delta} (its text, for an estimate if
 * the stream is cut before its usage); every other event, unknown ones included, goes on untouched. An {@code error}
 * event or a stream that ends before {@code message_stop} is thrown, for the caller to end its client's stream.
 */
final class AnthropicRelay {
    private static final String[] USAGE_FIELDS = {"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"};

    private final String provider;
    private final String answerModel;
    private final Relayed.FrameListener listener;
    private final ObjectNode usage = Json.object();

    /** @param provider the name failures are reported under (any provider of the Anthropic type) */
    AnthropicRelay(String provider, String answerModel, Relayed.FrameListener listener) {
        this.provider = provider;
        this.answerModel = answerModel;
        this.listener = listener;
    }

    /** Reads the stream to its {@code message_stop}. */
    void run(Upstream.Exchange ex, int maxEvent) {
        Relayed.read(ex, maxEvent, listener, provider, "message_stop",
                e -> AnthropicMapper.parse(e.data()).path("type").asText("message"), this::onEvent);
    }

    /** One event; true when it was the last. */
    private boolean onEvent(String name, byte[] data) {
        switch (name) {
            case "message_start" -> {
                JsonNode e = AnthropicMapper.parse(new String(data, StandardCharsets.UTF_8));
                JsonNode message = e.path("message");
                merge(message.path("usage"));
                if (message.isObject()) {
                    ((ObjectNode) message).put("model", answerModel);
                }
                send(name, Json.bytes(e), Optional.of(usage()), "");
            }
            case "message_delta" -> {
                merge(AnthropicMapper.parse(new String(data, StandardCharsets.UTF_8)).path("usage"));
                send(name, data, Optional.of(usage()), "");
            }
            case "content_block_delta" -> send(name, data, Optional.empty(), text(data));
            case "error" -> throw AnthropicMapper.fromStreamError(AnthropicMapper.parse(new String(data, StandardCharsets.UTF_8)).path("error"));
            case "message_stop" -> {
                send(name, data, Optional.empty(), "");
                return true;
            }
            default -> send(name, data, Optional.empty(), ""); // ping, content_block_start/stop, events of a newer API
        }
        return false;
    }

    /** The text a delta adds: text, tool input JSON or thinking. */
    private static String text(byte[] data) {
        JsonNode delta = AnthropicMapper.parse(new String(data, StandardCharsets.UTF_8)).path("delta");
        for (String field : new String[] {"text", "partial_json", "thinking"}) {
            if (delta.path(field).isTextual()) {
                return delta.get(field).asText();
            }
        }
        return "";
    }

    private void merge(JsonNode u) {
        for (String field : USAGE_FIELDS) {
            if (u.hasNonNull(field)) {
                usage.put(field, AnthropicMapper.tokens(u.get(field)));
            }
        }
    }

    private TokenUsage usage() {
        return UsageReader.read(AnthropicMapper.usage(usage)).orElseThrow();
    }

    private void send(String name, byte[] given, Optional<TokenUsage> u, String text) {
        // data over several lines (no Anthropic stream has it) is written again on one, so the frame stays one event
        byte[] data = Relayed.Frame.multiline(given) ? Json.bytes(AnthropicMapper.parse(new String(given, StandardCharsets.UTF_8))) : given;
        listener.onFrame(Relayed.Frame.of(name, data, u, text));
    }
}
