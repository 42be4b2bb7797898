package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Turns one OpenAI chat stream into the Responses event sequence: {@code response.created} and
 * {@code response.in_progress}; per output item {@code response.output_item.added}, its deltas and
 * {@code response.output_item.done} (a message: {@code content_part.added}, {@code output_text.delta}s,
 * {@code output_text.done}, {@code content_part.done}; a function call: {@code function_call_arguments.delta}s and
 * {@code .done}); then {@code response.completed}, or {@code response.incomplete} for a length stop, carrying the whole
 * response as {@link ChatToResponses} gives it. Every event has a {@code sequence_number} counting from 0. Pure and
 * for one stream: chunks in ({@link #onChunk}), events out; {@link #end} when the provider's stream ended,
 * {@link #error} when it failed. With {@code include_usage} the usage chunk comes after the finish_reason chunk, so the
 * last event waits for it (or for the end). A stream that fails or ends before its finish_reason ends in
 * {@code response.failed} and never in {@code response.completed}: Codex acts on every {@code output_item.done} at once
 * (docs/research/codex-offline.md §5), so an item cut short is never marked done.
 */
public final class ChatToResponsesStream {
    private enum Item { NONE, MESSAGE, CALL }

    /** Delta fields shown as text: the content, and OpenAI's refusal (the client must see why there is no answer). */
    private static final String[] TEXT_FIELDS = {"content", "refusal"};

    private final ObjectNode request;
    private final long createdAt;
    private final UnaryOperator<String> ids;
    private final ToolNames names;
    /** The items done so far, in order: an open item's output_index is the count of these. */
    private final ArrayNode output = Json.MAPPER.createArrayNode();
    /** The open item's text, or its arguments so far. */
    private final StringBuilder buffer = new StringBuilder();
    private String responseId;
    private int sequence;
    private boolean started;
    private boolean finished;
    private Item open = Item.NONE;
    private String itemId;
    private String callId;
    private String callName;
    private int toolIndex = -1;
    private ChatToResponses.Outcome outcome;
    private ObjectNode usage;

    /** A stream answering {@code responsesRequest} (the client's, as sent), created now. */
    public ChatToResponsesStream(ObjectNode responsesRequest) {
        this(responsesRequest, System.currentTimeMillis() / 1000, ChatToResponses.IDS);
    }

    /** As {@link #ChatToResponsesStream(ObjectNode)}, created at {@code createdAt} (Unix seconds), ids from {@code ids}. */
    public ChatToResponsesStream(ObjectNode responsesRequest, long createdAt, UnaryOperator<String> ids) {
        this.request = Objects.requireNonNull(responsesRequest, "responsesRequest");
        this.createdAt = createdAt;
        this.ids = Objects.requireNonNull(ids, "ids");
        this.names = ToolNames.of(responsesRequest);
    }

    /** True once {@code response.completed}, {@code response.incomplete} or {@code response.failed} was emitted; later input yields nothing. */
    public boolean finished() {
        return finished;
    }

    /** One {@code chat.completion.chunk} (or an {@code {"error": …}} chunk some providers send mid-stream). */
    public List<ResponsesEvent> onChunk(JsonNode chunk) {
        if (finished) {
            return List.of();
        }
        JsonNode failure = chunk.path("error");
        if (failure.isObject()) {
            return error(failure.path("code").isTextual() ? failure.get("code").asText() : "server_error",
                    failure.path("message").asText("the provider's stream failed"));
        }
        List<ResponsesEvent> events = new ArrayList<>();
        start(events);
        if (chunk.path("usage").isObject()) {
            usage = ChatToResponses.usage(chunk.get("usage"));
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (outcome == null) {
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
            if (choice.hasNonNull("finish_reason")) {
                outcome = ChatToResponses.outcome(choice);
                close(events, outcome.itemStatus());
            }
        }
        if (outcome != null && usage != null) {
            finish(events);
        }
        return events;
    }

    /** The provider's stream ended: the held last event, or {@code response.failed} if the answer was cut short. */
    public List<ResponsesEvent> end() {
        if (finished) {
            return List.of();
        }
        if (outcome == null) {
            return error("server_error", "the provider's stream ended before the answer was complete");
        }
        List<ResponsesEvent> events = new ArrayList<>();
        finish(events);
        return events;
    }

    /** The stream failed: {@code response.failed} with code {@code server_error} and {@code message}. */
    public List<ResponsesEvent> error(String message) {
        return error("server_error", message);
    }

    /**
     * The stream failed: {@code response.failed}, its response {@code failed} with {@code error {code, message}} and the
     * items done so far, and nothing after it. {@code code} is what Codex decides on: {@code server_error} and
     * {@code rate_limit_exceeded} are retried, {@code insufficient_quota} and {@code context_length_exceeded} are not.
     */
    public List<ResponsesEvent> error(String code, String message) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (finished) {
            return List.of();
        }
        List<ResponsesEvent> events = new ArrayList<>();
        start(events);
        finished = true;
        ObjectNode response = ChatToResponses.response(request, responseId, createdAt, "failed");
        response.set("output", output.deepCopy());
        response.putObject("error").put("code", code).put("message", message);
        event(events, "response.failed").set("response", response);
        return events;
    }

    private void start(List<ResponsesEvent> events) {
        if (started) {
            return;
        }
        started = true;
        responseId = ids.apply("resp_");
        event(events, "response.created").set("response", ChatToResponses.response(request, responseId, createdAt, "in_progress"));
        event(events, "response.in_progress").set("response", ChatToResponses.response(request, responseId, createdAt, "in_progress"));
    }

    private void text(List<ResponsesEvent> events, String text) {
        if (open != Item.MESSAGE) {
            close(events, "completed");
            open = Item.MESSAGE;
            itemId = ids.apply("msg_");
            ObjectNode item = Json.object().put("id", itemId).put("type", "message").put("status", "in_progress");
            item.putArray("content");
            item.put("role", "assistant");
            event(events, "response.output_item.added").put("output_index", output.size()).set("item", item);
            part(events, "response.content_part.added").set("part", ChatToResponses.outputText(""));
        }
        buffer.append(text);
        part(events, "response.output_text.delta").put("delta", text).putArray("logprobs");
    }

    /**
     * A tool call's first delta (a new index) opens its {@code function_call} item, closing the one before; its argument
     * fragments follow as {@code function_call_arguments.delta}s. Fragments of a call whose item was already closed (a
     * provider interleaving calls, which none we know does) cannot be placed and are dropped.
     */
    private void toolCall(List<ResponsesEvent> events, JsonNode call) {
        int index = call.path("index").asInt(open == Item.CALL ? toolIndex : toolIndex + 1);
        if (open != Item.CALL || index != toolIndex) {
            if (index <= toolIndex) {
                return;
            }
            close(events, "completed");
            open = Item.CALL;
            toolIndex = index;
            itemId = ids.apply("fc_");
            callId = call.hasNonNull("id") ? call.get("id").asText() : ids.apply("call_");
            callName = call.path("function").path("name").asText();
            ObjectNode item = ChatToResponses.call(itemId, "in_progress", callId, callName, "", names);
            event(events, "response.output_item.added").put("output_index", output.size()).set("item", item);
        }
        JsonNode fragment = call.path("function").path("arguments");
        String arguments = fragment.isObject() ? fragment.toString() : fragment.asText(""); // an object: a few providers
        if (!arguments.isEmpty()) {
            buffer.append(arguments);
            item(events, "response.function_call_arguments.delta").put("delta", arguments);
        }
    }

    /** Ends the open item: its done events, then {@code output_item.done} with the whole item, which joins the output. */
    private void close(List<ResponsesEvent> events, String status) {
        if (open == Item.NONE) {
            return;
        }
        String content = buffer.toString();
        ObjectNode item;
        if (open == Item.MESSAGE) {
            part(events, "response.output_text.done").put("text", content).putArray("logprobs");
            part(events, "response.content_part.done").set("part", ChatToResponses.outputText(content));
            item = ChatToResponses.message(itemId, status, content);
        } else {
            item = ChatToResponses.call(itemId, status, callId, callName, content, names);
            // name: openai-java 4.x reads it as a required field of this event
            item(events, "response.function_call_arguments.done").put("name", item.path("name").asText()).put("arguments", content);
        }
        event(events, "response.output_item.done").put("output_index", output.size()).set("item", item.deepCopy());
        output.add(item);
        open = Item.NONE;
        buffer.setLength(0);
    }

    private void finish(List<ResponsesEvent> events) {
        finished = true;
        ObjectNode response = ChatToResponses.response(request, responseId, createdAt, outcome.status());
        outcome.details(response);
        response.set("output", output);
        if (usage != null) {
            response.set("usage", usage);
        }
        event(events, outcome.event()).set("response", response);
    }

    /** A new event of {@code type}, numbered; the caller adds its fields. */
    private ObjectNode event(List<ResponsesEvent> events, String type) {
        ObjectNode data = Json.object().put("type", type).put("sequence_number", sequence++);
        events.add(new ResponsesEvent(type, data));
        return data;
    }

    /** An event about the open item. */
    private ObjectNode item(List<ResponsesEvent> events, String type) {
        return event(events, type).put("item_id", itemId).put("output_index", output.size());
    }

    /** An event about the open message's one content part. */
    private ObjectNode part(List<ResponsesEvent> events, String type) {
        return item(events, type).put("content_index", 0);
    }
}
