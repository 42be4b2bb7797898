package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Chat has no namespaces, so a namespace tool's function {@code spawn_agent} in {@code multi_agent_v1} goes to the
 * provider as the function {@code multi_agent_v1__spawn_agent}: Codex's own flat form (its {@code ToolName}
 * joins namespace and name with {@code __}, trimming underscores at the join), so a model trained on Codex sees the
 * name it knows. The way back is looked up, never split: a flat name is restored only when the request declared it in
 * a namespace, so a plain function whose name holds {@code __} stays as it is. The answer's {@code function_call} then
 * carries {@code name} and {@code namespace} apart, as OpenAI's does.
 */
final class ToolNames {
    static final String SEPARATOR = "__";

    /** A function's name and, for one declared in a namespace tool, that namespace. */
    record Name(String name, Optional<String> namespace) {
    }

    private final Map<String, Name> byFlatName;

    private ToolNames(Map<String, Name> byFlatName) {
        this.byFlatName = byFlatName;
    }

    /** The names of the namespaced functions a Responses request declares. */
    static ToolNames of(JsonNode responsesRequest) {
        Map<String, Name> map = new HashMap<>();
        for (JsonNode tool : responsesRequest.path("tools")) {
            if (!tool.path("type").asText().equals("namespace")) {
                continue;
            }
            String namespace = tool.path("name").asText();
            for (JsonNode fn : tool.path("tools")) {
                if (fn.path("type").asText("function").equals("function")) {
                    String name = fn.path("name").asText();
                    map.put(flat(namespace, name), new Name(name, Optional.of(namespace)));
                }
            }
        }
        return new ToolNames(map);
    }

    /** The one name chat knows a function by. */
    static String flat(String namespace, String name) {
        return stripTrailing(namespace) + SEPARATOR + stripLeading(name);
    }

    /** A chat function's name as the Responses client declared it. */
    Name restore(String flatName) {
        return byFlatName.getOrDefault(flatName, new Name(flatName, Optional.empty()));
    }

    /** Sets {@code name} (and {@code namespace} for a namespaced function) on a {@code function_call} item. */
    void name(ObjectNode item, String flatName) {
        Name n = restore(flatName);
        item.put("name", n.name());
        n.namespace().ifPresent(ns -> item.put("namespace", ns));
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '_') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String stripLeading(String s) {
        int start = 0;
        while (start < s.length() && s.charAt(start) == '_') {
            start++;
        }
        return s.substring(start);
    }
}
