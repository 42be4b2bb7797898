package io.hpp.router.dialect.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.util.Set;

/** A Messages request's {@code tools} and {@code tool_choice} → chat's. Pure. */
final class MessagesTools {
    private MessagesTools() {
    }

    static void translate(ObjectNode req, ObjectNode out, Set<String> dropped) {
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (JsonNode t : req.path("tools")) {
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                // a server tool (web_search_20250305, bash_20250124 …) runs at Anthropic; no other provider has it
                dropped.add("tool '" + t.path("name").asText() + "' (" + type + ")");
                continue;
            }
            ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
            fn.put("name", t.path("name").asText());
            if (t.hasNonNull("description")) {
                fn.put("description", t.get("description").asText());
            }
            fn.set("parameters", t.hasNonNull("input_schema") ? t.get("input_schema") : Json.object().put("type", "object"));
        }
        JsonNode choice = req.get("tool_choice");
        if (tools.isEmpty()) {
            if (choice != null && !choice.isNull()) {
                dropped.add("tool_choice"); // chat providers refuse a tool_choice without tools
            }
            return;
        }
        out.set("tools", tools);
        if (choice == null || choice.isNull()) {
            return;
        }
        String type = choice.path("type").asText();
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", choice.path("name").asText());
            default -> throw ApiException.invalidRequest("tool_choice.type '" + type + "' is not one of auto, any, tool, none");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            out.put("parallel_tool_calls", false);
        }
    }
}
