package io.hpp.router.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.testing.OpenAiWire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The token scan of common stream chunks against what the general (tree) path makes of the same chunk. */
class StreamChunkTest {
    private static final byte[] MODEL = Json.bytes("openai/gpt-4o-mini");

    @Test
    void theCommonChunkIsRelayedByteForByteWithTheModelRenamedAndUsageNullDropped() {
        String in = OpenAiWire.chunk("gpt-4o-mini-2024-07-18", "{\"content\":\" Hello\"}", null);
        StreamChunk c = scan(in).orElseThrow();

        assertThat(c.text()).isEqualTo(" Hello");
        assertThat(text(c.rewritten(MODEL, false))).isEqualTo(in.replace("gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini")
                .replace(",\"usage\":null", ""));
        assertThat(text(c.rewritten(MODEL, true))).isEqualTo(in.replace("gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini"));
    }

    @Test
    void everyChunkOfRealStreamsComesOutAsTheTreePathWouldWriteIt() {
        List<String> chunks = new ArrayList<>(OpenAiWire.textStream("gpt-5", List.of("Hel", "lo", "\\u00e9\\\"q\\\""), 12, 3));
        chunks.addAll(OpenAiWire.toolCallStream("gpt-5"));
        chunks.add("{\"id\":\"x\",\"model\":\"kimi-k2\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think\","
                + "\"refusal\":\"no\"}}]}");
        chunks.add("{ \"usage\" : null , \"model\" : \"m\", \"choices\":[] }");
        chunks.add("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null,\"model\":\"m\"}");
        int scanned = 0;
        for (String in : chunks) {
            Optional<StreamChunk> c = scan(in);
            if (in.equals("[DONE]") || in.contains("\"usage\":{")) {
                assertThat(c).as(in).isEmpty();
                continue;
            }
            scanned++;
            for (boolean keepUsage : new boolean[] {false, true}) {
                ObjectNode tree = (ObjectNode) parse(in.getBytes(StandardCharsets.UTF_8));
                if (!keepUsage) {
                    tree.remove("usage");
                }
                tree.put("model", "openai/gpt-4o-mini");
                assertThat(parse(c.orElseThrow().rewritten(MODEL, keepUsage))).as(in).isEqualTo(tree);
            }
            assertThat(c.get().text()).as(in).isEqualTo(treeText(parse(in.getBytes(StandardCharsets.UTF_8))));
        }
        assertThat(scanned).isEqualTo(chunks.size() - 4); // the two usage chunks and the two [DONE] took the general path
    }

    @Test
    void aChunkAlreadyNamedAsTheClientAskedIsNotCopied() {
        byte[] in = "{\"model\":\"openai/gpt-4o-mini\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(StreamChunk.scan(in).orElseThrow().rewritten(MODEL, false)).isSameAs(in);
    }

    @Test
    void anEscapedModelNameIsReplacedWhole() {
        StreamChunk c = scan("{\"model\":\"a\\\"b\\\\\",\"choices\":[]}").orElseThrow();
        assertThat(text(c.rewritten(MODEL, false))).isEqualTo("{\"model\":\"openai/gpt-4o-mini\",\"choices\":[]}");
    }

    @Test
    void unusualChunksTakeTheGeneralPath() {
        assertThat(scan("{\"error\":{\"message\":\"overloaded\"},\"model\":\"m\"}")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"usage\":{\"prompt_tokens\":1}}")).isEmpty();
        assertThat(scan("{\"choices\":[]}")).as("no model to rename").isEmpty();
        assertThat(scan("{\"model\":7,\"choices\":[]}")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"model\":\"n\"}")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\n\"choices\":[]}")).as("would break the SSE line").isEmpty();
        assertThat(scan("[{\"model\":\"m\"}]")).isEmpty();
        assertThat(scan("{\"model\":\"m\"} {}")).isEmpty();
        assertThat(scan("{\"model\":\"m\",")).isEmpty();
        assertThat(scan("")).isEmpty();
    }

    @Test
    void whatIsNotWellFormedJsonTakesTheGeneralPath() {
        String ok = "{\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"n\":1}";
        assertThat(scan(ok)).isPresent();
        for (String bad : List.of(
                "{\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"n\":01}",
                "{\"model\":\"m\",\"n\":1.}", "{\"model\":\"m\",\"n\":-}", "{\"model\":\"m\",\"n\":1e}",
                "{\"model\":\"m\",\"n\":tru}", "{\"model\":\"m\",\"n\":nul}", "{\"model\":\"m\",\"n\":[1,]}",
                "{\"model\":\"m\",\"n\":{\"a\":1,}}", "{\"model\":\"m\",}", "{\"model\":\"m\" \"n\":1}",
                "{\"model\":\"m\",\"n\":\"\\x\"}", "{\"model\":\"m\",\"n\":\"\\u12G4\"}",
                "{\"model\":\"m\",\"n\":\"tab\there\"}", "{\"model\":\"m\",\"n\":\"open}",
                "{\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"a}}]}", "{\"model\":\"m\",'n':1}")) {
            assertThat(scan(bad)).as(bad).isEmpty();
            assertThat(parses(bad.getBytes(StandardCharsets.UTF_8))).as("Jackson agrees: " + bad).isFalse();
        }
        byte[] badUtf8 = "{\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"a?\"}}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(StreamChunk.scan(badUtf8)).isPresent();
        badUtf8[46] = (byte) 0xC0; // an overlong lead byte in the content, in place of the '?'
        assertThat(badUtf8[45]).isEqualTo((byte) 'a');
        assertThat(StreamChunk.scan(badUtf8)).isEmpty();
        byte[] badName = "{\"model\":\"m\",\"n?\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(StreamChunk.scan(badName)).isPresent();
        badName[15] = (byte) 0xFF; // not UTF-8 at all, in a member name, in place of the '?'
        assertThat(badName[14]).isEqualTo((byte) 'n');
        assertThat(StreamChunk.scan(badName)).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"n\u00e9\":1}")).as("a non-ASCII name").isPresent();
        assertThat(scan("{\"model\":\"m\",\"x\\u0041\":1}")).as("escaped names are not read").isEmpty();
        assertThat(scan("{\"model\":\"m\",\"n\":" + "[".repeat(100) + "]".repeat(100) + "}")).as("deep nesting").isEmpty();
    }

    @Test
    void escapesAndNonAsciiTextAreDecodedAsJacksonDoes() {
        String in = "{\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\ude00 caf\u00e9 \u4e2d "
                + "\\\"q\\\" \\n\\t\\/\\\\ \ud83d\ude80\"}}],\"x\":[true,false,null,-0.5e+3,{\"y\":[]}]}";
        StreamChunk c = scan(in).orElseThrow();
        assertThat(c.text()).isEqualTo(treeText(parse(in.getBytes(StandardCharsets.UTF_8))));
        assertThat(c.text()).isEqualTo("\ud83d\ude00 caf\u00e9 \u4e2d \"q\" \n\t/\\ \ud83d\ude80");
    }

    private static Optional<StreamChunk> scan(String json) {
        return StreamChunk.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static boolean parses(byte[] b) {
        try {
            Json.MAPPER.readTree(b);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static JsonNode parse(byte[] b) {
        try {
            return Json.MAPPER.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError(text(b), e);
        }
    }

    /** The text a stream bills for: each delta's content, refusal, reasoning and tool-call names and arguments. */
    private static String treeText(JsonNode chunk) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode d = choice.path("delta");
            d.fieldNames().forEachRemaining(f -> {
                if (List.of("content", "refusal", "reasoning_content").contains(f) && d.get(f).isTextual()) {
                    sb.append(d.get(f).asText());
                }
            });
            for (JsonNode call : d.path("tool_calls")) {
                for (String f : List.of("name", "arguments")) {
                    if (call.path("function").path(f).isTextual()) {
                        sb.append(call.get("function").get(f).asText());
                    }
                }
            }
        }
        return sb.toString();
    }
}
