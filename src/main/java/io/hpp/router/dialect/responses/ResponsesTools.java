package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.util.Set;

/** A Responses request's {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} and {@code text} → chat's. Pure. */
final class ResponsesTools {
    private ResponsesTools() {
    }

    /**
     * Function tools become chat functions; a namespace tool's functions become {@code <namespace>__<name>}
     * ({@link ToolNames}); every other tool (web_search, file_search, code_interpreter, image_generation, local_shell,
     * custom tools with a grammar, tool_search, mcp …) runs at OpenAI or needs a freeform answer chat cannot carry:
     * it is dropped and named, and the model answers without it.
     */
    static void translate(ObjectNode req, ObjectNode out, Set<String> dropped) {
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (JsonNode t : req.path("tools")) {
            String type = t.path("type").asText();
            switch (type) {
                case "function" -> tools.add(function(t, t.path("name").asText()));
                case "namespace" -> {
                    String namespace = t.path("name").asText();
                    for (JsonNode fn : t.path("tools")) {
                        String name = fn.path("name").asText();
                        if (fn.path("type").asText("function").equals("function")) {
                            tools.add(function(fn, ToolNames.flat(namespace, name)));
                        } else {
                            dropped.add("tool '" + namespace + "." + name + "' (" + fn.path("type").asText() + ")");
                        }
                    }
                }
                default -> dropped.add("tool '" + t.path("name").asText(type) + "' (" + type + ")");
            }
        }
        JsonNode choice = req.get("tool_choice");
        JsonNode parallel = req.get("parallel_tool_calls");
        if (tools.isEmpty()) {
            // chat providers refuse tool_choice and parallel_tool_calls without tools
            if (choice != null && !choice.isNull()) {
                dropped.add("tool_choice");
            }
            if (parallel != null && !parallel.isNull()) {
                dropped.add("parallel_tool_calls");
            }
            return;
        }
        out.set("tools", tools);
        if (choice != null && !choice.isNull()) {
            toolChoice(choice, out, dropped);
        }
        if (parallel != null && parallel.isBoolean()) {
            out.put("parallel_tool_calls", parallel.asBoolean());
        }
    }

    private static ObjectNode function(JsonNode t, String name) {
        ObjectNode tool = Json.object().put("type", "function");
        ObjectNode fn = tool.putObject("function").put("name", name);
        if (t.hasNonNull("description")) {
            fn.put("description", t.get("description").asText());
        }
        fn.set("parameters", t.path("parameters").isObject()
                ? t.get("parameters")
                : Json.object().put("type", "object").set("properties", Json.object()));
        if (t.path("strict").isBoolean()) {
            fn.put("strict", t.get("strict").asBoolean());
        }
        return tool;
    }

    /**
     * {@code auto}, {@code none} and {@code required} are chat's own; {@code {type: function, name}} names one function
     * (in a namespace when it says which). A choice of a tool that was dropped (a built-in, a custom tool, an
     * allowed_tools list) is dropped with it: the model then chooses among the functions left.
     */
    private static void toolChoice(JsonNode choice, ObjectNode out, Set<String> dropped) {
        if (choice.isTextual()) {
            String mode = choice.asText();
            if (!Set.of("auto", "none", "required").contains(mode)) {
                throw ApiException.invalidRequest("tool_choice '" + mode + "' is not one of auto, none, required");
            }
            out.put("tool_choice", mode);
            return;
        }
        String type = choice.path("type").asText();
        if (type.equals("function")) {
            String name = choice.path("name").asText();
            if (name.isEmpty()) {
                throw ApiException.invalidRequest("tool_choice: a function choice needs the function's name");
            }
            if (choice.path("namespace").isTextual()) {
                name = ToolNames.flat(choice.get("namespace").asText(), name);
            }
            out.putObject("tool_choice").put("type", "function").putObject("function").put("name", name);
            return;
        }
        dropped.add("tool_choice '" + type + "'");
    }

    /** {@code text.format} → chat's {@code response_format}; {@code text.verbosity} has no chat equivalent every provider takes. */
    static void text(JsonNode text, ObjectNode out, Set<String> dropped) {
        if (text == null || text.isNull()) {
            return;
        }
        JsonNode format = text.path("format");
        String type = format.path("type").asText("text");
        switch (type) {
            case "text" -> {
            }
            case "json_object" -> out.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                if (!format.path("schema").isObject() || !format.path("name").isTextual()) {
                    throw ApiException.invalidRequest("text.format: a json_schema format needs a name and a schema object");
                }
                ObjectNode schema = out.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.put("name", format.get("name").asText());
                if (format.hasNonNull("description")) {
                    schema.put("description", format.get("description").asText());
                }
                schema.set("schema", format.get("schema"));
                if (format.path("strict").isBoolean()) {
                    schema.put("strict", format.get("strict").asBoolean());
                }
            }
            default -> throw ApiException.invalidRequest("text.format.type '" + type + "' is not one of text, json_schema, json_object");
        }
        text.fieldNames().forEachRemaining(f -> {
            if (!f.equals("format")) {
                dropped.add("text." + f);
            }
        });
    }
}
