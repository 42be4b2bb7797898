package io.hpp.router.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import io.hpp.router.common.Json;
import io.hpp.router.common.JsonElements;
import io.hpp.router.provider.anthropic.AnthropicMapper;
import io.hpp.router.wire.ChatRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bound on JSON per body size ({@link JsonElements}) is far from what real requests hold, the densest ones
 * included: many tools with full schemas, agent turns of tool calls with short results, many image parts.
 */
class RealRequestShapesTest {
    private static final String[] WORDS = {"router", "quota", "stream", "token", "latency", "provider", "balance", "request",
        "model", "cache", "the", "of", "and", "file", "path", "returns"};

    private static String words(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** A tool as agents send them: a description and a JSON schema of {@code properties} typed, described members. */
    private static String tool(Random r, int i, int properties) {
        StringBuilder p = new StringBuilder();
        for (int k = 0; k < properties; k++) {
            p.append(k == 0 ? "" : ",").append("\"arg_").append(k).append("\":").append(switch (k % 4) {
                case 0 -> "{\"type\":\"string\",\"description\":\"" + words(r, 8) + "\"}";
                case 1 -> "{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"description\":\"" + words(r, 5) + "\"}";
                case 2 -> "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"" + words(r, 6) + "\"}";
                default -> "{\"type\":\"string\",\"enum\":[\"content\",\"files\",\"count\",\"all\"]}";
            });
        }
        return "{\"type\":\"function\",\"function\":{\"name\":\"tool_" + i + "\",\"description\":\"" + words(r, 30)
                + "\",\"parameters\":{\"type\":\"object\",\"properties\":{" + p + "},\"required\":[\"arg_0\"],"
                + "\"additionalProperties\":false}}}";
    }

    private static String request(String model, String messages, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + messages + "]" + extra + "}";
    }

    private static String conversation(Random r, int turns, int wordsPerTurn) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < turns; t++) {
            sb.append(t == 0 ? "" : ",").append("{\"role\":\"").append(t % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"")
                    .append(words(r, wordsPerTurn)).append("\"}");
        }
        return sb.toString();
    }

    /** Agent turns: a call with JSON arguments, then a short result (a directory listing, a line of a file). */
    private static String agentTurns(Random r, int turns) {
        StringBuilder sb = new StringBuilder("{\"role\":\"user\",\"content\":\"Fix the failing test.\"}");
        for (int t = 0; t < turns; t++) {
            sb.append(",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_").append(t)
                    .append("\",\"type\":\"function\",\"function\":{\"name\":\"tool_3\",\"arguments\":\"{\\\"arg_0\\\":\\\"src/")
                    .append(words(r, 2).replace(' ', '/')).append(".java\\\",\\\"arg_1\\\":").append(t).append("}\"}}]},")
                    .append("{\"role\":\"tool\",\"tool_call_id\":\"call_").append(t).append("\",\"content\":\"").append(words(r, 25))
                    .append("\"}");
        }
        return sb.toString();
    }

    private static long elements(byte[] body) throws IOException {
        long n = 0;
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            while (p.nextToken() != null) {
                n++;
            }
        }
        return n;
    }

    /** Parses, makes the tree, translates for Anthropic; returns the share of the bound the body uses. */
    private static double shareOfTheBound(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ChatRequest req = ChatRequest.parse(body);
        assertThat(req.tree()).isNotNull();
        assertThat(AnthropicMapper.toUpstream(req.tree(), "claude-sonnet-4", 1024)).isNotNull();
        return elements(body) / (double) JsonElements.chatLimit(body.length);
    }

    @Test
    void realRequestsFitTheBoundTheDensestWithRoomToSpare() throws IOException {
        Random r = new Random(24);
        StringBuilder tools = new StringBuilder();
        for (int i = 0; i < 128; i++) {
            tools.append(i == 0 ? "" : ",").append(tool(r, i, 12));
        }
        StringBuilder images = new StringBuilder("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Compare these.\"}");
        for (int i = 0; i < 500; i++) {
            images.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://images.example.com/catalog/2024/item-").append(i)
                    .append(".jpg\",\"detail\":\"low\"}}");
        }
        String photo = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(new byte[400_000]);
        StringBuilder photos = new StringBuilder("{\"role\":\"user\",\"content\":[");
        for (int i = 0; i < 20; i++) {
            photos.append(i == 0 ? "" : ",").append("{\"type\":\"image_url\",\"image_url\":{\"url\":\"").append(photo).append("\"}}");
        }

        // share of the bound used (bytes per element): a 20-turn chat of 29 KB 0.002 (232), a 1 MiB one 0.025 (400), 128 tools
        // of ~1.4 KB 0.27 (9.6), 500 image links 0.08 (10), 20 photos of 400 KB 0.000, 2,000 agent turns of calls and
        // 150-character results with 40 tools, 845 KB, 0.72 (12.8): the densest real shape, up to ~2 MB of it fits
        assertThat(shareOfTheBound(request("hpprouter/auto", conversation(r, 20, 230), ""))).isLessThan(0.01);
        assertThat(shareOfTheBound(request("hpprouter/auto", conversation(r, 400, 380), ""))).isLessThan(0.1);
        assertThat(shareOfTheBound(request("hpprouter/auto", conversation(r, 2, 20), ",\"tools\":[" + tools + "]"))).isLessThan(0.4);
        assertThat(shareOfTheBound(request("hpprouter/auto", images + "]}", ""))).isLessThan(0.2);
        assertThat(shareOfTheBound(request("hpprouter/auto", photos + "]}", ""))).isLessThan(0.01);
        String fortyTools = tools.substring(0, tools.indexOf("{\"type\":\"function\",\"function\":{\"name\":\"tool_40\"") - 1);
        assertThat(shareOfTheBound(request("hpprouter/auto", agentTurns(r, 2_000), ",\"tools\":[" + fortyTools + "]"))).isLessThan(0.8);
    }
}
