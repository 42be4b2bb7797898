package io.hpp.router.admin.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One scored prompt: its messages, and the quality and output length of a weak and a strong model's answer (the
 * fields of {@code datasets/routellm-eval/README.md}).
 */
public record EvalRow(String id, String source, JsonNode messages, Answer weak, Answer strong) {

    /** One model's answer: quality from 0 to 1, and its length in output tokens. */
    public record Answer(double quality, long outputTokens) {
    }

    /** The answer a label names. */
    Answer answer(Label label) {
        return switch (label) {
            case WEAK -> weak;
            case STRONG -> strong;
        };
    }

    /** Rows of a JSON Lines file, one object a line; blank lines are skipped. */
    public static List<EvalRow> parseLines(byte[] jsonl) {
        List<EvalRow> rows = new ArrayList<>();
        String[] lines = new String(jsonl, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                rows.add(of(Json.readTree(lines[i]), "line " + (i + 1)));
            } catch (IOException e) {
                throw ApiException.invalidRequest("Dataset line " + (i + 1) + " is not valid JSON: " + e.getMessage());
            }
        }
        return rows;
    }

    /** Rows given as a JSON array (the admin API's {@code dataset}). */
    public static List<EvalRow> parseArray(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw ApiException.invalidRequest("'dataset' must be an array of rows");
        }
        List<EvalRow> rows = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            rows.add(of(array.get(i), "dataset[" + i + "]"));
        }
        return rows;
    }

    static EvalRow of(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw bad(where, "must be a JSON object");
        }
        JsonNode messages = n.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw bad(where, "needs 'messages', a non-empty array");
        }
        String id = n.path("id").asText(where);
        String source = n.hasNonNull("source") ? n.get("source").asText() : "all";
        return new EvalRow(id, source, messages, answer(n, "weak", where), answer(n, "strong", where));
    }

    private static Answer answer(JsonNode n, String label, String where) {
        JsonNode a = n.path("results").path(label);
        JsonNode q = a.get("quality");
        JsonNode out = a.get("output_tokens");
        if (q == null || !q.isNumber() || q.asDouble() < 0 || q.asDouble() > 1) {
            throw bad(where, "needs results." + label + ".quality, a number from 0 to 1");
        }
        if (out == null || !out.canConvertToExactIntegral() || out.asLong() < 0) {
            throw bad(where, "needs results." + label + ".output_tokens, a whole number >= 0");
        }
        return new Answer(q.asDouble(), out.asLong());
    }

    /** The body of a live chat request for these messages, as a client would send it to {@code hpprouter/auto}. */
    byte[] chatBody() {
        ArrayNode copy = messages.deepCopy();
        return Json.object().put("model", "hpprouter/auto").<com.fasterxml.jackson.databind.node.ObjectNode>set("messages", copy)
                .toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ApiException bad(String where, String problem) {
        return ApiException.invalidRequest("Dataset " + where + " " + problem);
    }
}
