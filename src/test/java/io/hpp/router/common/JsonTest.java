package io.hpp.router.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Json#bytes}: the JDK-encoded text is the JSON Jackson's own UTF-8 generator writes. */
class JsonTest {
    private static JsonNode tree(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Test
    void asciiAndBmpTextAreTheGeneratorsBytes() throws Exception {
        for (String json : new String[] {
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\\n\\t\\\"there\\\" \\\\ / \\u0001\"}]}",
                "{\"c\":\"" + "long text without escapes ".repeat(200) + "\",\"n\":[1,-2.50,1e3,12345678901234567890]}",
                "{\"c\":\"中文 Ünïcødé ½ \\u2028 \\u00ff\",\"d\":null,\"t\":true}",
        }) {
            JsonNode n = tree(json);
            assertThat(Json.bytes(n)).isEqualTo(Json.MAPPER.writeValueAsBytes(n));
        }
        assertThat(Json.bytes(Map.of("k", "v"))).isEqualTo("{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emojiAreWrittenAsUtf8AndReadBackTheSame() throws Exception {
        JsonNode n = tree("{\"c\":\"ok \\ud83d\\ude00 \uD83D\uDE80\"}");
        byte[] b = Json.bytes(n);
        assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"c\":\"ok \uD83D\uDE00 \uD83D\uDE80\"}");
        assertThat(tree(new String(b, StandardCharsets.UTF_8))).isEqualTo(n);
    }

    @Test
    void aLoneSurrogateIsKeptAsAnEscapeNotTurnedIntoAQuestionMark() throws Exception {
        JsonNode n = tree("{\"c\":\"x\\ud800y\",\"d\":\"\\udc00\"}");
        byte[] b = Json.bytes(n);
        assertThat(b).isEqualTo(Json.MAPPER.writeValueAsBytes(n));
        assertThat(new String(b, StandardCharsets.UTF_8)).doesNotContain("?").containsIgnoringCase("\\ud800");
        assertThat(tree(new String(b, StandardCharsets.UTF_8)).get("c").asText()).isEqualTo("x\ud800y");
    }
}
