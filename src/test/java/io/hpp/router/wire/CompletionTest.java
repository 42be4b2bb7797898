package io.hpp.router.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.testing.OpenAiWire;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scan of non-streamed answers against what the general (tree) path makes of the same answer. */
class CompletionTest {

    @Test
    void theCommonAnswerIsRelayedByteForByteWithTheModelRenamed() {
        String in = OpenAiWire.completion("gpt-4o-mini-2024-07-18", "Hi \\u00e9 \\\"there\\\"", 12, 5, 3);
        Completion c = scan(in).orElseThrow();

        assertThat(text(c.withModel("openai/gpt-4o-mini")))
                .isEqualTo(in.replace("\"gpt-4o-mini-2024-07-18\"", "\"openai/gpt-4o-mini\""));
        assertThat(c.usage()).isEqualTo(parse(in).get("usage"));
        assertThat(c.text()).isEqualTo(in);
    }

    @Test
    void aScannedAnswerComesOutAsTheTreePathWouldWriteIt() {
        List<String> answers = List.of(
                OpenAiWire.completion("gpt-5", "x", 1, 2, 0),
                "{\n  \"usage\" : { \"prompt_tokens\" : 7, \"completion_tokens\" : 1 },\n  \"id\" : \"c\",\n"
                        + "  \"model\" : \"kimi-k2\\\"x\",\n  \"choices\" : [ ]\n}\n",
                "{\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":1}},"
                        + "\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}],\"system_fingerprint\":null}");
        for (String in : answers) {
            Completion c = scan(in).orElseThrow();
            ObjectNode tree = (ObjectNode) parse(in);
            assertThat(c.usage()).as(in).isEqualTo(tree.get("usage"));
            tree.put("model", "openai/gpt-5");
            assertThat(parse(text(c.withModel("openai/gpt-5")))).as(in).isEqualTo(tree);
        }
    }

    @Test
    void unusualAnswersTakeTheGeneralPath() {
        assertThat(scan("{\"model\":\"m\",\"choices\":[]}")).as("no usage").isEmpty();
        assertThat(scan("{\"model\":\"m\",\"usage\":null}")).isEmpty();
        assertThat(scan("{\"usage\":{\"prompt_tokens\":1}}")).as("no model").isEmpty();
        assertThat(scan("{\"model\":7,\"usage\":{}}")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"model\":\"n\",\"usage\":{}}")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"usage\":{},\"usage\":{}}")).isEmpty();
        assertThat(scan("[{\"model\":\"m\",\"usage\":{}}]")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"usage\":{}} x")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"usage\":{\"prompt_tokens\":01}}")).isEmpty();
        assertThat(scan("{\"model\":\"m\",\"usage\":{}")).isEmpty();
        assertThat(scan("")).isEmpty();
    }

    @Test
    void aTreeAnswerIsRenamedInTheTree() {
        ObjectNode tree = (ObjectNode) parse("{\"id\":\"a\",\"usage\":{\"prompt_tokens\":2}}");
        Completion c = Completion.of(tree);
        assertThat(c.usage().get("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(text(c.withModel("local/llama3")))
                .isEqualTo("{\"id\":\"a\",\"usage\":{\"prompt_tokens\":2},\"model\":\"local/llama3\"}");
        assertThat(Completion.of(Json.object()).usage()).isNull();
    }

    private static Optional<Completion> scan(String json) {
        return Completion.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(s, e);
        }
    }
}
