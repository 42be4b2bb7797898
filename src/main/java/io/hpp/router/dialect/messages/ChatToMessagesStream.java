package io.hpp.router.dialect.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Turns one OpenAI chat stream into Anthropic's event sequence: {@code message_start}, then per content block
 * {@code content_block_start}, {@code content_block_delta} ({@code text_delta} or {@code input_json_delta}) and
 * {@code content_block_stop}, then {@code message_delta} (stop reason, final usage) and {@code message_stop}. Pure and
 * for one stream: chunks in ({@link #onChunk}), events out; {@link #end} when the provider's stream ended,
 * {@link #error} when it failed. With {@code include_usage} the usage chunk comes after the finish_reason chunk, so
 * {@code message_delta} waits for it (or for the end). A stream that fails or ends before its finish_reason ends in an
 * {@code error} event and never in {@code message_stop}: a client must not take a cut answer for a whole one.
 */
public final class ChatToMessagesStream {
    private enum Block { NONE, TEXT, TOOL }

    /** Delta fields shown as text: the content, and OpenAI's refusal (the client must see why there is no answer). */
    private static final String[] TEXT_FIELDS = {"content", "refusal"};

    private final String model;
    private final long inputTokenEstimate;
    private final UnaryOperator<String> ids;
    private boolean started;
    private boolean finished;
    private int blockIndex = -1;
    private Block open = Block.NONE;
    private int toolIndex = -1;
    private ChatToMessages.StopReason stop;
    private ObjectNode usage;

    /** A stream answering as {@code model}; {@code inputTokenEstimate} is {@code message_start}'s input count. */
    public ChatToMessagesStream(String model, long inputTokenEstimate) {
        this(model, inputTokenEstimate, ChatToMessages.IDS);
    }

    /** As {@link #ChatToMessagesStream(String, long)}, with ids from {@code ids} (a prefix in, an id out). */
    public ChatToMessagesStream(String model, long inputTokenEstimate, UnaryOperator<String> ids) {
        this.model = Objects.requireNonNull(model, "model");
        this.inputTokenEstimate = inputTokenEstimate;
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** True once {@code message_stop} or {@code error} was emitted; later input yields nothing. */
    public boolean finished() {
        return finished;
    }

    /** One {@code chat.completion.chunk} (or an {@code {"error": …}} chunk some providers send mid-stream). */
    public List<MessagesEvent> onChunk(JsonNode chunk) {
        if (finished) {
            return List.of();
        }
        if (chunk.path("error").isObject()) {
            return error(chunk.get("error").path("message").asText("the provider's stream failed"));
        }
        List<MessagesEvent> events = new ArrayList<>();
        start(events);
        if (chunk.path("usage").isObject()) {
            usage = ChatToMessages.usage(chunk.get("usage"));
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        for (String field : TEXT_FIELDS) {
            String text = delta.path(field).asText("");
            if (!text.isEmpty()) {
                text(events, text);
            }
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(events, call);
        }
        if (choice.hasNonNull("finish_reason") && stop == null) {
            close(events);
            stop = ChatToMessages.stopReason(choice);
        }
        if (stop != null && usage != null) {
            finish(events);
        }
        return events;
    }

    /** The provider's stream ended: the held {@code message_delta} and {@code message_stop}, or an error if cut short. */
    public List<MessagesEvent> end() {
        if (finished) {
            return List.of();
        }
        if (stop == null) {
            return error("the provider's stream ended before the answer was complete");
        }
        List<MessagesEvent> events = new ArrayList<>();
        finish(events);
        return events;
    }

    /** The stream failed: an {@code error} event of type {@code api_error} with {@code message}, and nothing after it. */
    public List<MessagesEvent> error(String message) {
        if (finished) {
            return List.of();
        }
        finished = true;
        ObjectNode data = Json.object().put("type", "error");
        data.putObject("error").put("type", "api_error").put("message", message);
        return List.of(new MessagesEvent("error", data));
    }

    private void start(List<MessagesEvent> events) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode data = Json.object().put("type", "message_start");
        ObjectNode message = data.putObject("message");
        message.put("id", ids.apply("msg_"));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode u = message.putObject("usage");
        u.put("input_tokens", inputTokenEstimate);
        u.put("cache_creation_input_tokens", 0);
        u.put("cache_read_input_tokens", 0);
        u.put("output_tokens", 0);
        events.add(new MessagesEvent("message_start", data));
    }

    private void text(List<MessagesEvent> events, String text) {
        if (open != Block.TEXT) {
            close(events);
            ObjectNode block = Json.object().put("type", "text").put("text", "");
            events.add(blockStart(block));
            open = Block.TEXT;
        }
        events.add(blockDelta(Json.object().put("type", "text_delta").put("text", text)));
    }

    /**
     * A tool call's first delta (a new index) opens its {@code tool_use} block, closing the one before; its argument
     * fragments follow as {@code input_json_delta}s. Fragments of a call whose block was already closed (a provider
     * interleaving calls, which none we know does) cannot be placed and are dropped.
     */
    private void toolCall(List<MessagesEvent> events, JsonNode call) {
        int index = call.path("index").asInt(open == Block.TOOL ? toolIndex : toolIndex + 1);
        if (open != Block.TOOL || index != toolIndex) {
            if (index <= toolIndex) {
                return;
            }
            close(events);
            ObjectNode block = Json.object().put("type", "tool_use");
            block.put("id", call.hasNonNull("id") ? call.get("id").asText() : ids.apply("toolu_"));
            block.put("name", call.path("function").path("name").asText());
            block.putObject("input");
            events.add(blockStart(block));
            open = Block.TOOL;
            toolIndex = index;
        }
        JsonNode fragment = call.path("function").path("arguments");
        String arguments = fragment.isObject() ? fragment.toString() : fragment.asText(""); // an object: a few providers
        if (!arguments.isEmpty()) {
            events.add(blockDelta(Json.object().put("type", "input_json_delta").put("partial_json", arguments)));
        }
    }

    private MessagesEvent blockStart(ObjectNode block) {
        blockIndex++;
        ObjectNode data = Json.object().put("type", "content_block_start").put("index", blockIndex);
        data.set("content_block", block);
        return new MessagesEvent("content_block_start", data);
    }

    private MessagesEvent blockDelta(ObjectNode delta) {
        ObjectNode data = Json.object().put("type", "content_block_delta").put("index", blockIndex);
        data.set("delta", delta);
        return new MessagesEvent("content_block_delta", data);
    }

    private void close(List<MessagesEvent> events) {
        if (open != Block.NONE) {
            ObjectNode data = Json.object().put("type", "content_block_stop").put("index", blockIndex);
            events.add(new MessagesEvent("content_block_stop", data));
            open = Block.NONE;
        }
    }

    private void finish(List<MessagesEvent> events) {
        finished = true;
        ObjectNode data = Json.object().put("type", "message_delta");
        ObjectNode delta = data.putObject("delta").put("stop_reason", stop.reason());
        if (stop.sequence() == null) {
            delta.putNull("stop_sequence");
        } else {
            delta.put("stop_sequence", stop.sequence());
        }
        data.set("usage", usage != null ? usage : Json.object().put("output_tokens", 0));
        events.add(new MessagesEvent("message_delta", data));
        events.add(new MessagesEvent("message_stop", Json.object().put("type", "message_stop")));
    }
}
