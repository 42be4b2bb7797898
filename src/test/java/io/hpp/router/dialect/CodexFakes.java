package io.hpp.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.testing.FakeProvider;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two providers Codex meets through the router, each answering in its real wire format the way a model would:
 * the first turn asks for {@code exec_command} with {@code cat notes.txt}, the second reads the secret word out of the
 * command output it was sent (so an output lost on the way shows as a wrong answer, not a hard-coded right one).
 */
final class CodexFakes {
    static final String SECRET_SENTENCE = "The secret word is ";
    static final String NO_TOOL_OUTPUT = "I was sent no command output with a secret word in it.";
    /** The call Codex runs as {@code /bin/bash -lc 'cat notes.txt'} (docs/research/codex-offline.md, section 4). */
    static final String ARGUMENTS = "{\"cmd\": \"cat notes.txt\"}";
    private static final Pattern SECRET = Pattern.compile("The secret word is (\\w+)");

    private CodexFakes() {
    }

    /** The ids turn 1 of the OpenAI fake hands out, kept so the test can see Codex send them back. */
    record OpenAiTurn1(String callId, String encryptedReasoning) {
    }

    /**
     * OpenAI's Responses stream as api.openai.com writes it ({@code event:} + {@code data:} lines, sequence numbers):
     * turn 1 a reasoning item (opaque encrypted_content) and a function_call of exec_command whose arguments come in
     * several deltas; turn 2 a message with the secret read from the function_call_output. Usage as OpenAI reports it:
     * {@code input_tokens} includes the cached ones, {@code output_tokens} the reasoning ones.
     */
    static FakeProvider.Script openAi(OpenAiTurn1 turn1) {
        return (req, ex) -> {
            JsonNode body = req.json();
            String output = lastOf(body.path("input"), "function_call_output", "output");
            boolean first = output == null;
            String secret = first ? null : secretIn(output);
            Stream s = new Stream("resp_fakeTurn" + (first ? 1 : 2), body.path("model").asText());
            ArrayNode done = Json.MAPPER.createArrayNode();
            if (first) {
                ObjectNode reasoning = Json.object().put("id", "rs_fake0001").put("type", "reasoning");
                reasoning.putArray("summary");
                reasoning.put("encrypted_content", turn1.encryptedReasoning());
                s.item(done, reasoning, List.of());
                ObjectNode call = Json.object().put("id", "fc_fake0001").put("type", "function_call").put("status", "in_progress")
                        .put("arguments", "").put("call_id", turn1.callId()).put("name", "exec_command");
                s.item(done, call, pieces(ARGUMENTS, 7));
                s.completed(done, usage(1200, 0, 80, 64));
            } else {
                ObjectNode message = Json.object().put("id", "msg_fake0002").put("type", "message").put("status", "in_progress")
                        .put("role", "assistant");
                message.putArray("content");
                s.item(done, message, pieces(secret == null ? NO_TOOL_OUTPUT : SECRET_SENTENCE + secret + ".", 9));
                s.completed(done, usage(1300, 1024, 20, 0));
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("x-request-id", "req_fakeCodex");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String[] e : s.events) {
                out.write(("event: " + e[0] + "\ndata: " + e[1] + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    /**
     * Anthropic's Messages stream ({@code event:} + {@code data:} lines): turn 1 a text block and a tool_use of
     * exec_command with input {@code {"cmd":"cat notes.txt"}} over several {@code input_json_delta}s, turn 2 the secret
     * read from the tool_result.
     */
    static FakeProvider.Script anthropic(String toolUseId) {
        return (req, ex) -> {
            JsonNode body = req.json();
            String result = lastToolResult(body);
            boolean first = result == null;
            String secret = first ? null : secretIn(result);
            List<String[]> events = new ArrayList<>();
            ObjectNode usage = Json.object().put("input_tokens", first ? 2000 : 100).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", first ? 0 : 2000).put("output_tokens", 1).put("service_tier", "standard");
            events.add(ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01FakeCodex" + (first ? 1 : 2)
                    + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\",\"content\":[],"
                    + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usage + "}}"));
            events.add(ev("ping", "{\"type\": \"ping\"}"));
            if (first) {
                textBlock(events, 0, "I'll read notes.txt.");
                events.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
                        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + toolUseId + "\",\"name\":\"exec_command\",\"input\":{}}}"));
                delta(events, 1, "input_json_delta", "partial_json", "");
                for (String piece : pieces("{\"cmd\":\"cat notes.txt\"}", 6)) {
                    delta(events, 1, "input_json_delta", "partial_json", piece);
                }
                events.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"));
            } else {
                textBlock(events, 0, secret == null ? NO_TOOL_OUTPUT : SECRET_SENTENCE + secret + ".");
            }
            events.add(ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + (first ? "tool_use" : "end_turn")
                    + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + (first ? 50 : 15) + "}}"));
            events.add(ev("message_stop", "{\"type\":\"message_stop\"}"));
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("request-id", "req_011CFakeCodex");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String[] e : events) {
                out.write(("event: " + e[0] + "\ndata: " + e[1] + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    /** One Responses stream being written: its events (name, data) with OpenAI's running sequence_number. */
    private static final class Stream {
        final List<String[]> events = new ArrayList<>();
        private final String id;
        private final String model;

        Stream(String id, String model) {
            this.id = id;
            this.model = model;
            add("response.created", Json.object().set("response", response("in_progress", Json.MAPPER.createArrayNode(), null)));
            add("response.in_progress", Json.object().set("response", response("in_progress", Json.MAPPER.createArrayNode(), null)));
        }

        /** An output item: added, its deltas (text or function arguments), done; the done item joins {@code done}. */
        void item(ArrayNode done, ObjectNode item, List<String> deltas) {
            int index = done.size();
            String itemId = item.get("id").asText();
            add("response.output_item.added", Json.object().put("output_index", index).set("item", item.deepCopy()));
            ObjectNode finished = item.deepCopy();
            String whole = String.join("", deltas);
            switch (item.get("type").asText()) {
                case "function_call" -> {
                    for (String d : deltas) {
                        add("response.function_call_arguments.delta", Json.object().put("item_id", itemId).put("output_index", index).put("delta", d));
                    }
                    add("response.function_call_arguments.done", Json.object().put("item_id", itemId).put("output_index", index)
                            .put("arguments", whole));
                    finished.put("arguments", whole);
                }
                case "message" -> {
                    ObjectNode part = Json.object().put("type", "output_text").put("text", "");
                    part.putArray("annotations");
                    add("response.content_part.added", textEvent(itemId, index).set("part", part.deepCopy()));
                    for (String d : deltas) {
                        add("response.output_text.delta", textEvent(itemId, index).put("delta", d).set("logprobs", Json.MAPPER.createArrayNode()));
                    }
                    add("response.output_text.done", textEvent(itemId, index).put("text", whole).set("logprobs", Json.MAPPER.createArrayNode()));
                    part.put("text", whole);
                    add("response.content_part.done", textEvent(itemId, index).set("part", part.deepCopy()));
                    finished.withArray("content").add(part);
                }
                default -> {
                    // a reasoning item has no deltas here: its content is the opaque encrypted_content
                }
            }
            if (finished.has("status")) {
                finished.put("status", "completed");
            }
            add("response.output_item.done", Json.object().put("output_index", index).set("item", finished));
            done.add(finished);
        }

        void completed(ArrayNode output, ObjectNode usage) {
            add("response.completed", Json.object().set("response", response("completed", output, usage)));
        }

        private static ObjectNode textEvent(String itemId, int index) {
            return Json.object().put("item_id", itemId).put("output_index", index).put("content_index", 0);
        }

        private ObjectNode response(String status, ArrayNode output, ObjectNode usage) {
            ObjectNode r = Json.object().put("id", id).put("object", "response").put("created_at", 1765000000).put("status", status)
                    .putNull("error").putNull("incomplete_details").put("model", model).put("store", false);
            r.set("output", output.deepCopy());
            r.set("usage", usage);
            return r;
        }

        private void add(String type, ObjectNode data) {
            ObjectNode event = Json.object().put("type", type);
            event.setAll(data);
            event.put("sequence_number", events.size());
            events.add(ev(type, event.toString()));
        }
    }

    private static ObjectNode usage(long input, long cached, long output, long reasoning) {
        ObjectNode u = Json.object().put("input_tokens", input);
        u.putObject("input_tokens_details").put("cached_tokens", cached);
        u.put("output_tokens", output);
        u.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
        return u.put("total_tokens", input + output);
    }

    private static void textBlock(List<String[]> events, int index, String text) {
        events.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        for (String piece : pieces(text, 9)) {
            delta(events, index, "text_delta", "text", piece);
        }
        events.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}"));
    }

    private static void delta(List<String[]> events, int index, String type, String field, String value) {
        ObjectNode d = Json.object().put("type", "content_block_delta").put("index", index);
        d.putObject("delta").put("type", type).put(field, value);
        events.add(ev("content_block_delta", d.toString()));
    }

    private static String[] ev(String name, String data) {
        return new String[] {name, data};
    }

    static List<String> pieces(String s, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i += size) {
            out.add(s.substring(i, Math.min(s.length(), i + size)));
        }
        return out;
    }

    /** The {@code field} of the last Responses input item of {@code type}, or null when there is none. */
    static String lastOf(JsonNode input, String type, String field) {
        String found = null;
        for (JsonNode item : input) {
            if (item.path("type").asText().equals(type)) {
                JsonNode v = item.path(field);
                found = v.isTextual() ? v.asText() : v.toString();
            }
        }
        return found;
    }

    /** The content of the last message's tool_result (as text), or null when it has none. */
    private static String lastToolResult(JsonNode body) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        for (JsonNode block : last.path("content")) {
            if (block.path("type").asText().equals("tool_result")) {
                JsonNode c = block.path("content");
                return c.isTextual() ? c.asText() : c.toString();
            }
        }
        return null;
    }

    private static String secretIn(String text) {
        Matcher m = SECRET.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
