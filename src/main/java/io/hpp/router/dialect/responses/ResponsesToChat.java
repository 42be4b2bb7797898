package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.ChatRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An OpenAI Responses request → an OpenAI chat request, for every provider. Pure: no I/O, no logging; what has no chat
 * equivalent is dropped and named in {@link Translation#dropped()} for the caller to log: a built-in tool, a reasoning
 * item or {@code store} must not become a 400 that stops Codex, which sends them on every turn
 * (docs/research/codex-offline.md §4). The caller resolves {@code previous_response_id} into {@code input} first.
 */
public final class ResponsesToChat {
    /** Top-level fields translated here; every other field is dropped and named. */
    private static final Set<String> HANDLED = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "text", "max_output_tokens", "temperature", "top_p", "user", "prompt_cache_key", "stream");

    private ResponsesToChat() {
    }

    /** The chat request, and what of the Responses request it could not carry (for a log line, in order, once each). */
    public record Translation(ObjectNode request, List<String> dropped) {
        public Translation {
            Objects.requireNonNull(request, "request");
            dropped = List.copyOf(dropped);
        }
    }

    /**
     * A Responses request as it arrived and as the chat pipeline reads it.
     *
     * @param body    the client's body, walked once (a JSON object within the element limits) and kept as its bytes;
     *                its tree is what {@link ChatToResponses} and {@link ChatToResponsesStream} echo
     * @param chat    its translation, parsed and checked as every chat request is
     * @param dropped what the translation could not carry
     */
    public record Parsed(ChatBody body, ChatRequest chat, List<String> dropped) {
    }

    /** The client's body walked once (within the element limits) and as a tree, its model checked. */
    public record Read(ChatBody body, ObjectNode tree) {
    }

    /** The client's bytes → the chat request the pipeline runs. A body that is not a Responses request is a 400 {@code invalid_request}. */
    public static Parsed parse(byte[] raw) {
        Read read = read(raw);
        return chat(read.body(), read.tree());
    }

    /** The client's body read; a body that is not a JSON object, or that names no model, is a 400. */
    public static Read read(byte[] raw) {
        ChatBody body = ChatBody.parse(raw, (name, p) -> p.skipChildren());
        ObjectNode tree = body.tree();
        JsonNode model = tree.get("model");
        if (model == null || !model.isTextual()) {
            throw ApiException.invalidRequest("model: a string naming the model is required; GET /llm/v1/models lists them");
        }
        return new Read(body, tree);
    }

    /** {@code request} (read, or read and its conversation expanded by the caller) as the chat request the pipeline runs. */
    public static Parsed chat(ChatBody body, ObjectNode request) {
        Translation t = translate(request);
        ObjectNode chat = t.request();
        ChatRequest.capInBothFields(chat);
        return new Parsed(body, ChatRequest.parse(Json.bytes(chat)), t.dropped());
    }

    /** The chat request alone; see {@link #translate} for what was dropped. */
    public static ObjectNode request(ObjectNode responsesRequest) {
        return translate(responsesRequest).request();
    }

    /** Responses request → chat request. A request that is not the Responses shape is a 400 {@code invalid_request}. */
    public static Translation translate(ObjectNode req) {
        Objects.requireNonNull(req, "responsesRequest");
        if (req.has("messages") && !req.has("input")) {
            throw ApiException.invalidRequest("input is required: this is the Responses API; "
                    + "a chat request with messages goes to /v1/chat/completions");
        }
        Set<String> dropped = new LinkedHashSet<>();
        ObjectNode out = Json.object();
        copy(req, out, "model", "model");
        List<String> system = new ArrayList<>();
        JsonNode instructions = req.get("instructions");
        if (instructions != null && !instructions.isNull()) {
            if (!instructions.isTextual()) {
                throw ApiException.invalidRequest("instructions: a string is required");
            }
            system.add(instructions.asText());
        }
        ArrayNode turns = Json.MAPPER.createArrayNode();
        ResponsesInput.translate(req.get("input"), system, turns, dropped);
        ArrayNode messages = out.putArray("messages");
        system.removeIf(String::isEmpty);
        if (!system.isEmpty()) {
            // one leading system message: several providers refuse a system message after the first turn, and Codex
            // sends its prompt as developer messages (developer is OpenAI's own role, unknown to most providers)
            messages.addObject().put("role", "system").put("content", String.join("\n\n", system));
        }
        messages.addAll(turns);
        if (messages.isEmpty()) {
            throw ApiException.invalidRequest("input: no message the model can read (an empty input, or only dropped items)");
        }
        maxOutputTokens(req, out);
        copy(req, out, "temperature", "temperature");
        copy(req, out, "top_p", "top_p");
        ResponsesTools.translate(req, out, dropped);
        ResponsesTools.text(req.get("text"), out, dropped);
        copy(req, out, "user", "user");
        copy(req, out, "prompt_cache_key", "prompt_cache_key");
        if (req.path("stream").asBoolean(false)) {
            out.put("stream", true);
            // the usage chunk, without which a translated stream has no usage for response.completed
            out.putObject("stream_options").put("include_usage", true);
        }
        req.fieldNames().forEachRemaining(f -> {
            if (!HANDLED.contains(f)) {
                dropped.add(f);
            }
        });
        return new Translation(out, new ArrayList<>(dropped));
    }

    /** {@code max_output_tokens} → {@code max_tokens}; the pipeline moves it to the field the provider takes. */
    private static void maxOutputTokens(ObjectNode req, ObjectNode out) {
        JsonNode max = req.get("max_output_tokens");
        if (max == null || max.isNull()) {
            return;
        }
        if (!max.isIntegralNumber() || !max.canConvertToLong() || max.asLong() < 1) {
            throw ApiException.invalidRequest("max_output_tokens: a whole number of at least 1 is required");
        }
        out.put("max_tokens", max.asLong());
    }

    private static void copy(ObjectNode from, ObjectNode to, String field, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }
}
