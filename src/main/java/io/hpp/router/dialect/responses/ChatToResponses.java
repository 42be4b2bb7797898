package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Ids;
import io.hpp.router.common.Json;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An OpenAI {@code chat.completion} → a Responses {@code response} object, with the request's settings echoed as OpenAI
 * echoes them (openai-java reads {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} … as required fields).
 * Pure: ids come from an {@link #IDS id source} (a prefix in, an id out) and the time is a parameter, both of which
 * the tests fix.
 */
public final class ChatToResponses {
    /** Ids shaped like OpenAI's: {@code resp_…}, {@code msg_…}, {@code fc_…}, {@code call_…}, in time order. */
    public static final UnaryOperator<String> IDS = prefix -> Ids.timeOrderedToken(prefix, 39);

    private ChatToResponses() {
    }

    /** The answer to {@code responsesRequest} (the client's, as sent), created now. */
    public static ObjectNode answer(ObjectNode chatCompletion, ObjectNode responsesRequest) {
        return answer(chatCompletion, responsesRequest, System.currentTimeMillis() / 1000, IDS);
    }

    /** As {@link #answer(ObjectNode, ObjectNode)}, created at {@code createdAt} (Unix seconds), with ids from {@code ids}. */
    public static ObjectNode answer(ObjectNode chatCompletion, ObjectNode responsesRequest, long createdAt,
                                    UnaryOperator<String> ids) {
        Objects.requireNonNull(chatCompletion, "chatCompletion");
        Objects.requireNonNull(responsesRequest, "responsesRequest");
        Objects.requireNonNull(ids, "ids");
        JsonNode choice = chatCompletion.path("choices").path(0);
        JsonNode message = choice.path("message");
        Outcome outcome = outcome(choice);
        ObjectNode response = response(responsesRequest, ids.apply("resp_"), createdAt, outcome.status());
        outcome.details(response);
        ArrayNode output = (ArrayNode) response.get("output");
        String itemStatus = outcome.itemStatus();
        String text = text(message.path("content"));
        if (text.isEmpty()) {
            text = message.path("refusal").asText(""); // OpenAI's refusal: the client must see why there is no answer
        }
        if (!text.isEmpty()) {
            output.add(message(ids.apply("msg_"), itemStatus, text));
        }
        ToolNames names = ToolNames.of(responsesRequest);
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode fn = call.path("function");
            JsonNode args = fn.path("arguments");
            String itemId = ids.apply("fc_");
            String callId = call.hasNonNull("id") ? call.get("id").asText() : ids.apply("call_");
            output.add(call(itemId, itemStatus, callId, fn.path("name").asText(),
                    args.isObject() ? args.toString() : args.asText(""), names)); // an object: a few providers
        }
        if (chatCompletion.path("usage").isObject()) {
            response.set("usage", usage(chatCompletion.get("usage")));
        }
        return response;
    }

    /** The response's status, and for an incomplete one the reason OpenAI gives. */
    record Outcome(String status, String reason) {
        String itemStatus() {
            return status.equals("incomplete") ? "incomplete" : "completed";
        }

        void details(ObjectNode response) {
            response.put("status", status);
            if (reason == null) {
                response.putNull("incomplete_details");
            } else {
                response.putObject("incomplete_details").put("reason", reason);
            }
        }

        /** The terminal event that carries a response with this outcome. */
        String event() {
            return status.equals("incomplete") ? "response.incomplete" : "response.completed";
        }
    }

    /** {@code length} is OpenAI's incomplete for {@code max_output_tokens}, {@code content_filter} its own reason; else completed. */
    static Outcome outcome(JsonNode choice) {
        return switch (choice.path("finish_reason").asText("stop")) {
            case "length" -> new Outcome("incomplete", "max_output_tokens");
            case "content_filter" -> new Outcome("incomplete", "content_filter");
            default -> new Outcome("completed", null);
        };
    }

    /**
     * The response object without output or usage, in OpenAI's field order: the request's settings where it gave them,
     * OpenAI's defaults where it did not.
     */
    static ObjectNode response(JsonNode req, String id, long createdAt, String status) {
        ObjectNode r = Json.object();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", status);
        r.put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        echo(req, r, "instructions", null);
        echo(req, r, "max_output_tokens", null);
        r.set("model", req.path("model").isTextual() ? req.get("model") : Json.MAPPER.getNodeFactory().textNode(""));
        r.putArray("output");
        echo(req, r, "parallel_tool_calls", Json.MAPPER.getNodeFactory().booleanNode(true));
        echo(req, r, "previous_response_id", null);
        echo(req, r, "prompt_cache_key", null);
        echo(req, r, "reasoning", Json.object().putNull("effort").putNull("summary"));
        echo(req, r, "service_tier", Json.MAPPER.getNodeFactory().textNode("default"));
        echo(req, r, "store", Json.MAPPER.getNodeFactory().booleanNode(true));
        echo(req, r, "temperature", Json.MAPPER.getNodeFactory().numberNode(1.0));
        ObjectNode text = Json.object();
        text.putObject("format").put("type", "text");
        echo(req, r, "text", text);
        echo(req, r, "tool_choice", Json.MAPPER.getNodeFactory().textNode("auto"));
        echo(req, r, "tools", Json.MAPPER.createArrayNode());
        echo(req, r, "top_p", Json.MAPPER.getNodeFactory().numberNode(1.0));
        echo(req, r, "truncation", Json.MAPPER.getNodeFactory().textNode("disabled"));
        r.putNull("usage");
        echo(req, r, "user", null);
        echo(req, r, "metadata", Json.object());
        return r;
    }

    /**
     * The request's value shared, not copied: a response is only written, never changed below its top level, and a
     * stream makes three of them (copying the tool schemas each time was measurable in ResponsesBench).
     */
    private static void echo(JsonNode req, ObjectNode r, String field, JsonNode otherwise) {
        JsonNode given = req.get(field);
        if (given != null && !given.isNull()) {
            r.set(field, given);
        } else if (otherwise != null) {
            r.set(field, otherwise);
        } else {
            r.putNull(field);
        }
    }

    /** An assistant message item holding one {@code output_text} part. */
    static ObjectNode message(String id, String status, String text) {
        ObjectNode item = Json.object();
        item.put("id", id);
        item.put("type", "message");
        item.put("status", status);
        item.putArray("content").add(outputText(text));
        item.put("role", "assistant");
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text");
        part.putArray("annotations");
        part.putArray("logprobs");
        return part.put("text", text);
    }

    /** A {@code function_call} item; a namespaced function gets its {@code name} and {@code namespace} back. */
    static ObjectNode call(String id, String status, String callId, String flatName, String arguments, ToolNames names) {
        ObjectNode item = Json.object();
        item.put("id", id);
        item.put("type", "function_call");
        item.put("status", status);
        item.put("arguments", arguments);
        item.put("call_id", callId);
        names.name(item, flatName);
        return item;
    }

    /** A chat message's content: a string, or (from a few providers) text parts, joined; reasoning is not content. */
    private static String text(JsonNode content) {
        if (!content.isArray()) {
            return content.asText("");
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                sb.append(part.path("text").asText(""));
            }
        }
        return sb.toString();
    }

    /**
     * Chat usage → Responses usage. Both count the cached tokens inside the input tokens, and the reasoning tokens
     * inside the output tokens, so the numbers carry over; the total is the provider's, or the sum when it gave none
     * (held at the largest long: absurd counts from a provider must not fail the answer).
     */
    static ObjectNode usage(JsonNode u) {
        long input = tokens(u.get("prompt_tokens"));
        long output = tokens(u.get("completion_tokens"));
        ObjectNode out = Json.object();
        out.put("input_tokens", input);
        out.putObject("input_tokens_details").put("cached_tokens", tokens(u.path("prompt_tokens_details").get("cached_tokens")));
        out.put("output_tokens", output);
        out.putObject("output_tokens_details")
                .put("reasoning_tokens", tokens(u.path("completion_tokens_details").get("reasoning_tokens")));
        long total = tokens(u.get("total_tokens"));
        out.put("total_tokens", total > 0 ? total : input > Long.MAX_VALUE - output ? Long.MAX_VALUE : input + output);
        return out;
    }

    /** A reported token count: 0 when absent, negative or not a whole number that fits a long. */
    static long tokens(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() ? Math.max(0, n.asLong()) : 0;
    }
}
