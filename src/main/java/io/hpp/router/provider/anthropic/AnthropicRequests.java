package io.hpp.router.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.common.JsonElements;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** OpenAI chat request → Anthropic Messages request. Pure: no I/O. */
final class AnthropicRequests {
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicRequests.class);
    /** Fields we translate or that are ours; everything else has no Anthropic equivalent and is dropped. */
    private static final Set<String> HANDLED = Set.of("model", "messages", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "stop", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls", "user", "top_k");

    private AnthropicRequests() {
    }

    static ObjectNode toUpstream(ObjectNode req, String upstreamModel, long defaultMaxTokens) {
        ObjectNode out = Json.object();
        out.put("model", upstreamModel);
        JsonNode cap = req.hasNonNull("max_completion_tokens") ? req.get("max_completion_tokens") : req.get("max_tokens");
        out.put("max_tokens", cap != null && cap.canConvertToLong() ? cap.asLong() : defaultMaxTokens);
        List<String> system = new ArrayList<>();
        // the arguments are strings in the client's body (one element each there): their trees are bounded here
        JsonElements arguments = JsonElements.ofChatTexts("Tool-call arguments");
        ArrayNode messages = out.putArray("messages");
        for (JsonNode m : req.get("messages")) {
            String role = m.path("role").asText();
            switch (role) {
                case "system", "developer" -> system.add(text(m.get("content")));
                case "user" -> append(messages, "user", userBlocks(m.get("content")));
                case "assistant" -> append(messages, "assistant", assistantBlocks(m, arguments));
                case "tool", "function" -> append(messages, "user", List.of(toolResult(m)));
                default -> throw ApiException.invalidRequest("Role '" + role + "' cannot be sent to Anthropic");
            }
        }
        if (!system.isEmpty()) {
            out.put("system", String.join("\n\n", system));
        }
        copyIfPresent(req, out, "temperature");
        copyIfPresent(req, out, "top_p");
        copyIfPresent(req, out, "top_k");
        JsonNode stop = req.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode seq = out.putArray("stop_sequences");
            if (stop.isArray()) {
                stop.forEach(s -> seq.add(s.asText()));
            } else {
                seq.add(stop.asText());
            }
        }
        if (req.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        tools(req, out);
        if (req.hasNonNull("user")) {
            out.putObject("metadata").put("user_id", req.get("user").asText());
        }
        req.fieldNames().forEachRemaining(f -> {
            if (!HANDLED.contains(f)) {
                LOG.debug("dropping field '{}': Anthropic has no equivalent", f);
            }
        });
        return out;
    }

    /** Appends a turn, merging it into the previous one when the role repeats (tool results, then user text). */
    private static void append(ArrayNode messages, String role, List<ObjectNode> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        ObjectNode last = messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
        ArrayNode content;
        if (last != null && last.get("role").asText().equals(role)) {
            content = (ArrayNode) last.get("content");
        } else {
            ObjectNode turn = messages.addObject();
            turn.put("role", role);
            content = turn.putArray("content");
        }
        blocks.forEach(content::add);
    }

    private static List<ObjectNode> userBlocks(JsonNode content) {
        List<ObjectNode> blocks = new ArrayList<>();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                blocks.add(textBlock(content.asText()));
            }
            return blocks;
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "text" -> {
                    if (!part.path("text").asText().isEmpty()) {
                        blocks.add(textBlock(part.path("text").asText()));
                    }
                }
                case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText()));
                default -> LOG.debug("dropping content part of type '{}': Anthropic has no equivalent", part.path("type").asText());
            }
        }
        return blocks;
    }

    private static List<ObjectNode> assistantBlocks(JsonNode m, JsonElements allowance) {
        List<ObjectNode> blocks = new ArrayList<>();
        String text = text(m.get("content"));
        if (!text.isEmpty()) {
            blocks.add(textBlock(text));
        }
        for (JsonNode call : m.path("tool_calls")) {
            ObjectNode use = Json.object();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText());
            use.put("name", call.path("function").path("name").asText());
            use.set("input", arguments(call.path("function").path("arguments").asText("{}"), allowance));
            blocks.add(use);
        }
        return blocks;
    }

    private static ObjectNode toolResult(JsonNode m) {
        ObjectNode r = Json.object();
        r.put("type", "tool_result");
        r.put("tool_use_id", m.path("tool_call_id").asText(m.path("name").asText()));
        r.put("content", text(m.get("content")));
        return r;
    }

    /** Tool-call arguments are a JSON string in OpenAI and an object in Anthropic. */
    private static JsonNode arguments(String json, JsonElements allowance) {
        if (json.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode n = Json.tree(json, allowance);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException ignored) {
            // fall through
        }
        throw ApiException.invalidRequest("tool_calls[].function.arguments must be a JSON object encoded as a string, got: "
                + (json.length() > 80 ? json.substring(0, 80) + "…" : json));
    }

    private static ObjectNode image(String url) {
        ObjectNode block = Json.object();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            int semi = url.indexOf(';');
            if (comma < 0 || semi < 0 || semi > comma || !url.substring(semi, comma).equals(";base64")) {
                throw ApiException.invalidRequest("image_url data URLs must look like data:<media type>;base64,<data>");
            }
            source.put("type", "base64");
            source.put("media_type", url.substring(5, semi));
            source.put("data", url.substring(comma + 1));
        } else {
            source.put("type", "url");
            source.put("url", url);
        }
        return block;
    }

    private static void tools(ObjectNode req, ObjectNode out) {
        JsonNode tools = req.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode list = out.putArray("tools");
            for (JsonNode t : tools) {
                JsonNode fn = t.path("function");
                ObjectNode tool = list.addObject();
                tool.put("name", fn.path("name").asText());
                if (fn.hasNonNull("description")) {
                    tool.put("description", fn.get("description").asText());
                }
                tool.set("input_schema", fn.hasNonNull("parameters") ? fn.get("parameters") : Json.object().put("type", "object"));
            }
        }
        JsonNode choice = req.get("tool_choice");
        ObjectNode mapped = null;
        if (choice != null && choice.isTextual()) {
            mapped = Json.object().put("type", switch (choice.asText()) {
                case "none" -> "none";
                case "required" -> "any";
                default -> "auto";
            });
        } else if (choice != null && choice.isObject()) {
            mapped = Json.object().put("type", "tool").put("name", choice.path("function").path("name").asText());
        }
        if (req.path("parallel_tool_calls").isBoolean() && !req.get("parallel_tool_calls").asBoolean() && out.has("tools")) {
            mapped = mapped == null ? Json.object().put("type", "auto") : mapped;
            mapped.put("disable_parallel_tool_use", true);
        }
        if (mapped != null) {
            out.set("tool_choice", mapped);
        }
    }

    /** The text of a string or parts content; parts other than text are not text. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                sb.append(sb.isEmpty() ? "" : "\n").append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static ObjectNode textBlock(String text) {
        return Json.object().put("type", "text").put("text", text);
    }

    private static void copyIfPresent(ObjectNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }
}
