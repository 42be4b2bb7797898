package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Responses request's {@code input} → chat messages. Pure. System and developer text is collected apart (the caller
 * puts it in one leading system message); the rest becomes turns in order. Item ids and statuses (Codex echoes both)
 * are not needed and not kept.
 */
final class ResponsesInput {
    private ResponsesInput() {
    }

    /** {@code input}: a string (one user message) or an array of items. */
    static void translate(JsonNode input, List<String> system, ArrayNode turns, Set<String> dropped) {
        if (input != null && input.isTextual()) {
            turns.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (input == null || !input.isArray()) {
            throw ApiException.invalidRequest("input: a string or an array of input items is required");
        }
        for (JsonNode item : input) {
            // an item with a role and no type is an "easy" message, as the SDKs send it
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> message(item, system, turns, dropped);
                case "function_call" -> functionCall(item, turns);
                case "function_call_output" -> turns.add(functionOutput(item, dropped));
                case "item_reference" -> throw ApiException.invalidRequest("input: an item_reference ('"
                        + item.path("id").asText() + "') cannot be resolved here: send the item itself");
                case "" -> throw ApiException.invalidRequest("input: every item needs a type (message, function_call, "
                        + "function_call_output …)");
                // reasoning (opaque encrypted content for OpenAI's models only), custom_tool_call and its output (their
                // tool was dropped), web_search_call and other built-in tools' records
                default -> dropped.add("input item '" + type + "'");
            }
        }
    }

    private static void message(JsonNode item, List<String> system, ArrayNode turns, Set<String> dropped) {
        String role = item.path("role").asText();
        JsonNode content = item.get("content");
        switch (role) {
            case "system", "developer" -> system.add(text(content, "system message", dropped));
            case "user" -> turns.add(user(content, dropped));
            case "assistant" -> turns.addObject().put("role", "assistant").put("content", text(content, "assistant message", dropped));
            default -> throw ApiException.invalidRequest("input: role '" + role + "' is not one of user, assistant, system, developer");
        }
    }

    /** A user message: its text alone as a string, else text and image parts. */
    private static ObjectNode user(JsonNode content, Set<String> dropped) {
        ObjectNode user = Json.object().put("role", "user");
        if (content == null || !content.isArray()) {
            return user.put("content", content == null || content.isNull() ? "" : content.asText());
        }
        List<ObjectNode> parts = new ArrayList<>();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            switch (type) {
                case "input_text", "output_text" -> parts.add(Json.object().put("type", "text").put("text", part.path("text").asText()));
                case "input_image" -> parts.add(image(part));
                case "input_file" -> throw ApiException.invalidRequest("input_file cannot be sent to this model: "
                        + "send the file's text as input_text");
                default -> dropped.add("content part '" + type + "'");
            }
        }
        if (parts.size() == 1 && parts.get(0).get("type").asText().equals("text")) {
            return user.put("content", parts.get(0).get("text").asText());
        }
        user.putArray("content").addAll(parts);
        return user;
    }

    /** An image by URL (a data: URL too); an uploaded file's id means nothing to another provider. */
    private static ObjectNode image(JsonNode part) {
        if (!part.path("image_url").isTextual()) {
            String how = part.hasNonNull("file_id") ? "file_id '" + part.get("file_id").asText() + "'" : "no image_url";
            throw ApiException.invalidRequest("input_image with " + how + " cannot be sent to this model: "
                    + "give the image as image_url (an https or data: URL)");
        }
        ObjectNode out = Json.object().put("type", "image_url");
        ObjectNode url = out.putObject("image_url").put("url", part.get("image_url").asText());
        if (part.path("detail").isTextual()) {
            url.put("detail", part.get("detail").asText());
        }
        return out;
    }

    /**
     * A model's function call joins the assistant turn just before it (its text, or the calls before it): chat keeps
     * one assistant message per turn, text and calls together, and the tool results follow it.
     */
    private static void functionCall(JsonNode item, ArrayNode turns) {
        String name = item.path("name").asText();
        if (item.path("namespace").isTextual()) {
            name = ToolNames.flat(item.get("namespace").asText(), name);
        }
        JsonNode args = item.path("arguments");
        ObjectNode call = Json.object();
        call.put("id", item.path("call_id").asText());
        call.put("type", "function");
        call.putObject("function").put("name", name).put("arguments", args.isTextual() ? args.asText() : args.toString());
        JsonNode last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        ObjectNode turn;
        if (last != null && last.path("role").asText().equals("assistant")) {
            turn = (ObjectNode) last;
            if (turn.path("content").asText("").isEmpty()) {
                turn.putNull("content");
            }
        } else {
            turn = turns.addObject().put("role", "assistant").putNull("content");
        }
        (turn.path("tool_calls").isArray() ? (ArrayNode) turn.get("tool_calls") : turn.putArray("tool_calls")).add(call);
    }

    /** A tool message holds text: an output's text parts joined; its images and files are dropped and named. */
    private static ObjectNode functionOutput(JsonNode item, Set<String> dropped) {
        ObjectNode tool = Json.object().put("role", "tool");
        tool.put("tool_call_id", item.path("call_id").asText());
        tool.put("content", text(item.get("output"), "function_call_output", dropped));
        return tool;
    }

    /** The text of a string or of text parts (joined by a line break); other parts are dropped and named. */
    static String text(JsonNode content, String where, Set<String> dropped) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (!content.isArray()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            switch (type) {
                case "input_text", "output_text" -> sb.append(sb.isEmpty() ? "" : "\n").append(part.path("text").asText());
                case "refusal" -> sb.append(sb.isEmpty() ? "" : "\n").append(part.path("refusal").asText());
                default -> dropped.add("content part '" + type + "' in a " + where);
            }
        }
        return sb.toString();
    }
}
