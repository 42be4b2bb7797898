package io.hpp.router.dialect.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Ids;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An OpenAI {@code chat.completion} → an Anthropic Messages answer. Pure: ids come from an {@link #IDS id source}
 * (a prefix in, an id out) the tests replace with a counter.
 */
public final class ChatToMessages {
    /** Ids shaped like Anthropic's: {@code msg_…}, {@code toolu_…}, in time order. */
    public static final UnaryOperator<String> IDS = prefix -> Ids.timeOrderedToken(prefix, 15);

    private ChatToMessages() {
    }

    /** The answer as model {@code model} (the name the client asked for). */
    public static ObjectNode answer(ObjectNode chatCompletion, String model) {
        return answer(chatCompletion, model, IDS);
    }

    /** As {@link #answer(ObjectNode, String)}, with ids from {@code ids}. */
    public static ObjectNode answer(ObjectNode chatCompletion, String model, UnaryOperator<String> ids) {
        Objects.requireNonNull(chatCompletion, "chatCompletion");
        Objects.requireNonNull(model, "model");
        JsonNode choice = chatCompletion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.object();
        out.put("id", ids.apply("msg_"));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", model);
        ArrayNode content = out.putArray("content");
        String text = text(message.path("content"));
        if (text.isEmpty()) {
            text = message.path("refusal").asText(""); // OpenAI's refusal: the client must see why there is no answer
        }
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = content.addObject();
            use.put("type", "tool_use");
            use.put("id", call.hasNonNull("id") ? call.get("id").asText() : ids.apply("toolu_"));
            use.put("name", call.path("function").path("name").asText());
            use.set("input", input(call.path("function").path("arguments")));
        }
        StopReason stop = stopReason(choice);
        out.put("stop_reason", stop.reason());
        if (stop.sequence() == null) {
            out.putNull("stop_sequence");
        } else {
            out.put("stop_sequence", stop.sequence());
        }
        out.set("usage", usage(chatCompletion.path("usage")));
        return out;
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

    /** Anthropic's stop reason and matched stop sequence (null when none) for a chat choice. */
    record StopReason(String reason, String sequence) {
    }

    /**
     * {@code stop} is {@code end_turn}, or {@code stop_sequence} when the provider names the sequence it matched (vLLM
     * and SGLang report it as the choice's {@code stop_reason}; OpenAI names none); {@code content_filter} is
     * Anthropic's {@code refusal}; a reason we do not know (or none) is {@code end_turn}.
     */
    static StopReason stopReason(JsonNode choice) {
        String finish = choice.path("finish_reason").asText("stop");
        return switch (finish) {
            case "length" -> new StopReason("max_tokens", null);
            case "tool_calls", "function_call" -> new StopReason("tool_use", null);
            case "content_filter" -> new StopReason("refusal", null);
            default -> choice.path("stop_reason").isTextual()
                    ? new StopReason("stop_sequence", choice.get("stop_reason").asText())
                    : new StopReason("end_turn", null);
        };
    }

    /**
     * Tool arguments (a JSON string in chat) → a tool_use {@code input} (an object in Anthropic). Arguments that are not
     * a JSON object (a model's malformed output) become {@code {}}: a Messages answer cannot carry them, and the client's
     * check of the input against the tool's schema then tells the model its call was incomplete.
     */
    static JsonNode input(JsonNode arguments) {
        if (arguments.isObject()) {
            return arguments; // a few providers send the object itself
        }
        return input(arguments.asText(""));
    }

    private static JsonNode input(String arguments) {
        if (arguments.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode n = Json.readTree(arguments);
            return n != null && n.isObject() ? n : Json.object();
        } catch (IOException e) {
            return Json.object();
        }
    }

    /**
     * Chat usage → Anthropic usage. Chat's {@code prompt_tokens} include the cached tokens read and (as our Anthropic
     * adapter and some providers report them) written; Anthropic's {@code input_tokens} exclude both.
     */
    static ObjectNode usage(JsonNode u) {
        long prompt = tokens(u.get("prompt_tokens"));
        long cacheRead = tokens(u.path("prompt_tokens_details").get("cached_tokens"));
        long cacheWrite = tokens(u.path("prompt_tokens_details").get("cache_write_tokens"));
        ObjectNode out = Json.object();
        out.put("input_tokens", Math.max(0, prompt - cacheRead - cacheWrite)); // all >= 0: no overflow
        out.put("cache_creation_input_tokens", cacheWrite);
        out.put("cache_read_input_tokens", cacheRead);
        out.put("output_tokens", tokens(u.get("completion_tokens")));
        return out;
    }

    /** A reported token count: 0 when absent, negative or not a whole number that fits a long. */
    static long tokens(JsonNode n) {
        return n != null && n.isNumber() && n.canConvertToLong() ? Math.max(0, n.asLong()) : 0;
    }
}
