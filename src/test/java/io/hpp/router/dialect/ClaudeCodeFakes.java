package io.hpp.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The two providers Claude Code meets through the router, each answering in its real wire format the way a model
 * would: the first turn asks for the Read tool on a file, the second reads the secret word out of the tool result it
 * was sent (so a tool result lost on the way shows as a wrong answer, not a hard-coded right one).
 */
final class ClaudeCodeFakes {
    static final String SECRET_SENTENCE = "The secret word is ";
    static final String NO_TOOL_RESULT = "I was sent no tool result with a secret word in it.";
    private static final String CHUNK_HEAD = "{\"id\":\"chatcmpl-CCtest\",\"object\":\"chat.completion.chunk\",\"created\":1765000000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\",";
    private static final Pattern SECRET = Pattern.compile("The secret word is (\\w+)");

    private ClaudeCodeFakes() {
    }

    /** What each turn of the Anthropic fake sends, kept so the test can see them come back. */
    record AnthropicTurn1(String toolUseId, String thinkingSignature) {
    }

    /**
     * Anthropic's Messages stream as api.anthropic.com writes it ({@code event:} and {@code data:} lines): turn 1 a
     * thinking block with its signature, a text block and a tool_use of Read on {@code filePath} (its input in several
     * {@code input_json_delta}s), turn 2 the secret word read from the tool_result.
     */
    static FakeProvider.Script anthropic(String filePath, AnthropicTurn1 turn1) {
        return (req, ex) -> {
            JsonNode body = req.json();
            List<String[]> events = new ArrayList<>();
            String secret = secretIn(lastToolResult(body));
            boolean first = secret == null && !hasBlock(body.path("messages"), "tool_result");
            ObjectNode usage = first ? anthropicUsage(20, 5000, 0) : anthropicUsage(30, 200, 5000);
            events.add(ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01FakeTurn" + (first ? 1 : 2)
                    + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\",\"content\":[],"
                    + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usage + "}}"));
            events.add(ev("ping", "{\"type\": \"ping\"}"));
            if (first) {
                events.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"));
                delta(events, 0, "thinking_delta", "thinking", "The user wants a secret word; ");
                delta(events, 0, "thinking_delta", "thinking", "I should read notes.txt first.");
                delta(events, 0, "signature_delta", "signature", turn1.thinkingSignature());
                events.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
                textBlock(events, 1, "I'll read the file.");
                events.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,"
                        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + turn1.toolUseId() + "\",\"name\":\"Read\",\"input\":{}}}"));
                delta(events, 2, "input_json_delta", "partial_json", "");
                for (String piece : pieces(Json.object().put("file_path", filePath).toString(), 7)) {
                    delta(events, 2, "input_json_delta", "partial_json", piece);
                }
                events.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"));
            } else {
                textBlock(events, 0, secret == null ? NO_TOOL_RESULT : SECRET_SENTENCE + secret + ".");
            }
            events.add(ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + (first ? "tool_use" : "end_turn")
                    + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + (first ? 60 : 15) + "}}"));
            events.add(ev("message_stop", "{\"type\":\"message_stop\"}"));
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("request-id", "req_011CTestFake");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String[] e : events) {
                out.write(("event: " + e[0] + "\ndata: " + e[1] + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    /**
     * OpenAI's chat.completion.chunk stream with {@code include_usage}: turn 1 a tool_call of Read whose arguments come
     * over several deltas, turn 2 the secret word read from the role=tool message; each ends in a usage chunk and [DONE].
     */
    static FakeProvider.Script openAi(FakeProvider fake, String filePath, String callId) {
        return (req, ex) -> {
            JsonNode body = req.json();
            String secret = null;
            boolean toolMessage = false;
            for (JsonNode m : body.path("messages")) {
                if (m.path("role").asText().equals("tool")) {
                    toolMessage = true;
                    secret = secretIn(m.path("content").isTextual() ? m.get("content").asText() : m.path("content").toString());
                }
            }
            List<String> chunks = new ArrayList<>();
            if (!toolMessage) {
                chunks.add(chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"" + callId
                        + "\",\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"\"}}],\"refusal\":null}", null));
                for (String piece : pieces(Json.object().put("file_path", filePath).toString(), 6)) {
                    String arguments = Json.MAPPER.valueToTree(piece).toString();
                    chunks.add(chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + arguments + "}}]}", null));
                }
                chunks.add(chunk("{}", "tool_calls"));
                chunks.add(usageChunk(9000, 0, 40));
            } else {
                chunks.add(chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null));
                for (String piece : pieces(secret == null ? NO_TOOL_RESULT : SECRET_SENTENCE + secret + ".", 8)) {
                    chunks.add(chunk("{\"content\":" + Json.MAPPER.valueToTree(piece) + "}", null));
                }
                chunks.add(chunk("{}", "stop"));
                chunks.add(usageChunk(9100, 8960, 20));
            }
            chunks.add("[DONE]");
            fake.sse(0, chunks).answer(req, ex);
        };
    }

    private static String chunk(String delta, String finish) {
        return CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}],\"usage\":null}";
    }

    private static String usageChunk(long prompt, long cached, long completion) {
        return CHUNK_HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + ",\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                + "\"rejected_prediction_tokens\":0}}}";
    }

    private static ObjectNode anthropicUsage(long input, long cacheWrite, long cacheRead) {
        ObjectNode u = Json.object().put("input_tokens", input).put("cache_creation_input_tokens", cacheWrite)
                .put("cache_read_input_tokens", cacheRead);
        u.putObject("cache_creation").put("ephemeral_5m_input_tokens", cacheWrite).put("ephemeral_1h_input_tokens", 0);
        return u.put("output_tokens", 1).put("service_tier", "standard");
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

    private static List<String> pieces(String s, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i += size) {
            out.add(s.substring(i, Math.min(s.length(), i + size)));
        }
        return out;
    }

    /** The content of the last message's tool_result (as text), or "" when it has none. */
    private static String lastToolResult(JsonNode body) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        if (!last.path("role").asText().equals("user")) {
            return "";
        }
        for (JsonNode block : last.path("content")) {
            if (block.path("type").asText().equals("tool_result")) {
                JsonNode c = block.path("content");
                return c.isTextual() ? c.asText() : c.toString();
            }
        }
        return "";
    }

    private static boolean hasBlock(JsonNode messages, String type) {
        for (JsonNode m : messages) {
            for (JsonNode block : m.path("content")) {
                if (block.path("type").asText().equals(type)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String secretIn(String text) {
        Matcher m = SECRET.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
