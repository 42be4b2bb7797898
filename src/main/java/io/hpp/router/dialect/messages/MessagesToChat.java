package io.hpp.router.dialect.messages;

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
 * An Anthropic Messages request → an OpenAI chat request, for every provider that is not Anthropic. Pure: no I/O, no
 * logging; what has no chat equivalent is dropped and named in {@link Translation#dropped()} for the caller to log
 * (a server tool or a thinking budget must not become a 400 that breaks Claude Code, which would strip features and
 * resend up to six times: docs/research/claude-code-offline.md §7).
 */
public final class MessagesToChat {
    /** Top-level fields translated here; every other field is dropped and named. */
    private static final Set<String> HANDLED = Set.of("model", "messages", "system", "max_tokens", "temperature", "top_p",
            "stop_sequences", "stream", "tools", "tool_choice", "metadata");

    private MessagesToChat() {
    }

    /** The chat request, and what of the Messages request it could not carry (for a log line, in order, once each). */
    public record Translation(ObjectNode request, List<String> dropped) {
        public Translation {
            Objects.requireNonNull(request, "request");
            dropped = List.copyOf(dropped);
        }
    }

    /**
     * A Messages request as it arrived and as the chat pipeline reads it.
     *
     * @param body    the client's body, walked once (a JSON object within the element limits) and kept as its bytes
     * @param chat    its translation, parsed and checked as every chat request is
     * @param dropped what the translation could not carry
     */
    public record Parsed(ChatBody body, ChatRequest chat, List<String> dropped) {
    }

    /**
     * The client's bytes → the chat request the pipeline runs. {@code counting}: a token count, which has no answer
     * and so no {@code max_tokens}. A body that is not a Messages request is a 400 {@code invalid_request}. Made by
     * {@link MessagesSplice} from the client's bytes where the body allows; else, and for the same result, by
     * {@link #translate} of the body's tree.
     */
    public static Parsed parse(byte[] raw, boolean counting) {
        MessagesWalk walk = new MessagesWalk(raw);
        ChatBody body = ChatBody.parse(raw, walk);
        return walk.usual() ? MessagesSplice.parse(raw, body, walk, counting) : byTree(body, counting);
    }

    /** As {@link #parse}, always by the tree translation: the reference the splice is held to (MessagesParseProperties). */
    static Parsed parseByTree(byte[] raw, boolean counting) {
        return byTree(ChatBody.parse(raw, (name, p) -> p.skipChildren()), counting);
    }

    private static Parsed byTree(ChatBody body, boolean counting) {
        ObjectNode tree = body.tree();
        checkModelAndCap(tree, counting);
        Translation t = translate(tree);
        ObjectNode chat = t.request();
        ChatRequest.capInBothFields(chat);
        return new Parsed(body, ChatRequest.parse(Json.bytes(chat)), t.dropped());
    }

    /** A model is named; an answer's cap is a whole number ≥ 1, and a token count's is taken out. */
    static void checkModelAndCap(ObjectNode tree, boolean counting) {
        JsonNode model = tree.get("model");
        if (model == null || !model.isTextual()) {
            throw ApiException.invalidRequest("model: a string naming the model is required; GET /llm/v1/models lists them");
        }
        if (counting) {
            tree.remove("max_tokens");
        } else {
            JsonNode max = tree.get("max_tokens");
            if (max == null || !max.isIntegralNumber() || !max.canConvertToLong() || max.asLong() < 1) {
                throw ApiException.invalidRequest("max_tokens: a whole number of at least 1 is required");
            }
        }
    }


    /** The chat request alone; see {@link #translate} for what was dropped. */
    public static ObjectNode request(ObjectNode messagesRequest) {
        return translate(messagesRequest).request();
    }

    /** Messages request → chat request. A request that is not the Messages shape is a 400 {@code invalid_request}. */
    public static Translation translate(ObjectNode req) {
        Objects.requireNonNull(req, "messagesRequest");
        Set<String> dropped = new LinkedHashSet<>();
        JsonNode messages = req.get("messages");
        if (messages == null || !messages.isArray()) {
            throw ApiException.invalidRequest("messages: an array of {role, content} is required");
        }
        ObjectNode out = Json.object();
        copy(req, out, "model", "model");
        List<String> system = system(req, dropped);
        ArrayNode turns = Json.MAPPER.createArrayNode();
        for (JsonNode m : messages) {
            turn(m, system, turns, dropped);
        }
        ArrayNode chatMessages = out.putArray("messages");
        String systemText = systemText(system);
        if (!systemText.isEmpty()) {
            // one leading system message: several providers refuse a system message after the first turn
            chatMessages.addObject().put("role", "system").put("content", systemText);
        }
        chatMessages.addAll(turns);
        rest(req, out, dropped);
        return new Translation(out, new ArrayList<>(dropped));
    }

    /** The top-level system text, the first of the system texts (empty ones are left out when they are joined). */
    static List<String> system(ObjectNode req, Set<String> dropped) {
        List<String> system = new ArrayList<>();
        if (req.hasNonNull("system")) {
            system.add(text(req.get("system"), dropped));
        }
        return system;
    }

    /** The one system message's text: the system texts that are not empty, a blank line between them. */
    static String systemText(List<String> system) {
        List<String> texts = new ArrayList<>(system);
        texts.removeIf(String::isEmpty);
        return String.join("\n\n", texts);
    }

    /** One message → its chat messages, added to {@code turns} (a system message's text to {@code system}). */
    static void turn(JsonNode m, List<String> system, ArrayNode turns, Set<String> dropped) {
        String role = m.path("role").asText();
        switch (role) {
            case "system" -> system.add(text(m.get("content"), dropped)); // not Anthropic's, but sent by some clients
            case "user" -> userTurn(m.get("content"), turns, dropped);
            case "assistant" -> assistantTurn(m.get("content"), turns, dropped);
            default -> throw ApiException.invalidRequest("messages: role '" + role + "' is not one of user, assistant");
        }
    }

    /** The members after the messages: cap, sampling, stop, tools, user, stream; the fields with no chat equivalent dropped. */
    static void rest(ObjectNode req, ObjectNode out, Set<String> dropped) {
        copy(req, out, "max_tokens", "max_tokens");
        copy(req, out, "temperature", "temperature");
        copy(req, out, "top_p", "top_p");
        copy(req, out, "stop_sequences", "stop");
        MessagesTools.translate(req, out, dropped);
        if (req.path("metadata").path("user_id").isTextual()) {
            out.put("user", req.get("metadata").get("user_id").asText());
        }
        if (req.path("stream").asBoolean(false)) {
            out.put("stream", true);
            // the usage chunk, without which a translated stream has no final output count to report
            out.putObject("stream_options").put("include_usage", true);
        }
        req.fieldNames().forEachRemaining(f -> {
            if (!HANDLED.contains(f)) {
                dropped.add(f);
            }
        });
    }

    /** Tool results first, each its own {@code tool} message, then the rest of the turn as one user message. */
    private static void userTurn(JsonNode content, ArrayNode turns, Set<String> dropped) {
        if (content == null || content.isTextual()) {
            turns.addObject().put("role", "user").put("content", content == null ? "" : content.asText());
            return;
        }
        List<JsonNode> parts = new ArrayList<>();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "tool_result" -> turns.add(toolMessage(block, dropped));
                case "text" -> parts.add(Json.object().put("type", "text").put("text", block.path("text").asText()));
                case "image" -> parts.add(image(block));
                default -> dropped.add("content block '" + block.path("type").asText() + "'");
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode user = turns.addObject().put("role", "user");
        if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
            user.put("content", parts.get(0).get("text").asText());
        } else {
            user.putArray("content").addAll(parts);
        }
    }

    /**
     * A chat tool message holds text only: an error result is marked by an {@code Error: } prefix (chat has no error
     * flag, and the model must still tell a failure from an answer); images in a result are dropped.
     */
    private static ObjectNode toolMessage(JsonNode block, Set<String> dropped) {
        ObjectNode tool = Json.object();
        tool.put("role", "tool");
        tool.put("tool_call_id", block.path("tool_use_id").asText());
        String text = text(block.get("content"), dropped);
        tool.put("content", block.path("is_error").asBoolean(false) ? "Error: " + text : text);
        return tool;
    }

    private static void assistantTurn(JsonNode content, ArrayNode turns, Set<String> dropped) {
        ObjectNode turn = turns.addObject().put("role", "assistant");
        if (content == null || content.isTextual()) {
            turn.put("content", content == null ? "" : content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(text.isEmpty() ? "" : "\n").append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    JsonNode input = block.path("input");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", input.isObject() ? input.toString() : "{}");
                }
                default -> dropped.add("content block '" + block.path("type").asText() + "'"); // thinking, redacted_thinking …
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            turn.putNull("content");
        } else {
            turn.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            turn.set("tool_calls", calls);
        }
    }

    private static ObjectNode image(JsonNode block) {
        JsonNode source = block.path("source");
        String url = switch (source.path("type").asText()) {
            case "base64" -> "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default -> throw ApiException.invalidRequest("image source type '" + source.path("type").asText()
                    + "' cannot be sent to this model: use base64 or url");
        };
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** The text of a string or of text blocks (joined by a line break); other blocks are dropped and named. */
    static String text(JsonNode content, Set<String> dropped) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode block : content) {
            if (block.path("type").asText().equals("text")) {
                sb.append(sb.isEmpty() ? "" : "\n").append(block.path("text").asText());
            } else {
                dropped.add("content block '" + block.path("type").asText() + "'");
            }
        }
        return sb.toString();
    }

    private static void copy(ObjectNode from, ObjectNode to, String field, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }
}
