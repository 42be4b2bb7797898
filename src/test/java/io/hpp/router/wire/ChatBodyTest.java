package io.hpp.router.wire;

import io.hpp.router.provider.openai.OpenAiCompatibleProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The body sent upstream for a chat request — the members the gateway sets written, every other member copied from
 * the client's bytes — and the client's request it is made from, which must stay as it was.
 */
class ChatBodyTest {
    private static final String REQUEST = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
            + "\"stream_options\":{\"include_usage\":false,\"x\":1},\"temperature\":0.2}";

    private static ChatBody parse(String json) {
        return ChatBody.parse(json.getBytes(StandardCharsets.UTF_8), (name, p) -> p.skipChildren());
    }

    private static String text(BodyParts body) {
        return new String(body.toArray(), StandardCharsets.UTF_8);
    }

    @Test
    void streamBodyAsksForUsageAndCopiesTheRest() {
        ChatBody req = parse(REQUEST);
        ObjectNode before = req.tree().deepCopy();
        assertThat(text(OpenAiCompatibleProvider.chatBody(req, "gpt-4o-mini", true))).isEqualTo(
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":1},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.2}");
        assertThat(req.tree()).isEqualTo(before);
    }

    @Test
    void streamBodyWithoutOptionsGetsThem() {
        ChatBody req = parse("{\"model\":\"a\",\"messages\":[]}");
        assertThat(text(OpenAiCompatibleProvider.chatBody(req, "m", true)))
                .isEqualTo("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
    }

    @Test
    void answerBodyDropsStreamOptions() {
        assertThat(text(OpenAiCompatibleProvider.chatBody(parse(REQUEST), "gpt-4o-mini", false))).isEqualTo(
                "{\"model\":\"gpt-4o-mini\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.2}");
    }

    @Test
    void theClientsOwnSpellingGoesThrough() {
        String request = "{ \"model\" : \"x\" ,\n \"temperature\": 0.70, \"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"q\\\" \u00fc\"}],"
                + "\"seed\":12345678901234567890 }";
        String sent = text(OpenAiCompatibleProvider.chatBody(parse(request), "y", false));
        assertThat(sent).isEqualTo("{\"model\":\"y\",\"stream\":false,\"temperature\": 0.70,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"q\\\" \u00fc\"}],\"seed\":12345678901234567890}");
    }

    @Test
    void aFallbackStartsFromTheClientsRequest() {
        ChatBody req = parse(REQUEST);
        OpenAiCompatibleProvider.chatBody(req, "first-model", true);
        String second = text(OpenAiCompatibleProvider.chatBody(req, "second-model", false));
        assertThat(second).startsWith("{\"model\":\"second-model\",\"stream\":false,").doesNotContain("stream_options");
        assertThat(req.tree().get("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(req.tree().get("stream_options").toString()).isEqualTo("{\"include_usage\":false,\"x\":1}");
    }

    @Test
    void aLoweredCapIsWrittenFromTheTreeAndSetOnACopy() {
        String request = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":5000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        ChatRequest req = ChatRequest.parse(request.getBytes(StandardCharsets.UTF_8));
        ChatRequest capped = req.withCap("max_tokens", 100);
        assertThat(text(OpenAiCompatibleProvider.chatBody(capped.body(), "m", false)))
                .isEqualTo("{\"model\":\"m\",\"stream\":false,\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(text(OpenAiCompatibleProvider.chatBody(req.body(), "m", false))).contains("\"max_tokens\":5000");
        assertThat(req.tree().get("max_tokens").asLong()).isEqualTo(5000);
    }

    @Test
    void aNameGivenTwiceIsWrittenFromTheTree() {
        // Jackson's tree keeps the last value; copying both would let the provider pick either
        String sent = text(OpenAiCompatibleProvider.chatBody(parse("{\"model\":\"a\",\"top_p\":1,\"messages\":[],\"top_p\":0.5}"), "m", false));
        assertThat(sent).isEqualTo("{\"model\":\"m\",\"stream\":false,\"top_p\":0.5,\"messages\":[]}");
    }

    @Test
    void aBodyOnlyATreeIsWrittenFromIt() {
        ObjectNode tree = Json.requestObject(REQUEST.getBytes(StandardCharsets.UTF_8));
        assertThat(text(OpenAiCompatibleProvider.chatBody(ChatBody.of(tree), "m", false)))
                .isEqualTo("{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.2}");
    }

    @Test
    void namesToEscapeAreEscaped() {
        assertThat(new String(ChatBody.member("a\"b\u00e9", Json.MAPPER.getNodeFactory().numberNode(1)), StandardCharsets.UTF_8))
                .isEqualTo("\"a\\\"b\u00e9\":1");
    }

    @Test
    void notAnObjectIsTheSame400AsBefore() {
        for (String bad : new String[] {"", "[1]", "\"x\"", "{\"a\":1", "{\"a\" 1}", "{\"a\":1,}", "nope"}) {
            String expected = message(() -> Json.requestObject(bad.getBytes(StandardCharsets.UTF_8)));
            assertThat(message(() -> parse(bad))).as(bad).isEqualTo(expected).isNotEmpty();
        }
    }

    private static String message(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.getMessage();
        }
        return "";
    }

    @Test
    void copiedAndWrittenBodiesAreTheSameJson() throws IOException {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            String request = randomRequest(random);
            ChatBody spliced = parse(request);
            ChatBody tree = ChatBody.of(Json.requestObject(request.getBytes(StandardCharsets.UTF_8)));
            assertThat(spliced.tree()).as(request).isEqualTo(tree.tree());
            for (boolean stream : new boolean[] {true, false}) {
                JsonNode a = Json.MAPPER.readTree(OpenAiCompatibleProvider.chatBody(spliced, "up", stream).toArray());
                JsonNode b = Json.MAPPER.readTree(OpenAiCompatibleProvider.chatBody(tree, "up", stream).toArray());
                assertThat(a.equals(SAME_NUMBER, b)).as(request + "\n" + a + "\n" + b).isTrue();
                JsonNode capped = Json.MAPPER.readTree(OpenAiCompatibleProvider.chatBody(spliced.with("max_tokens", 7), "up", stream).toArray());
                assertThat(capped.get("max_tokens").asLong()).as(request).isEqualTo(7);
                assertThat(capped.size()).as(request).isEqualTo(a.has("max_tokens") ? a.size() : a.size() + 1);
            }
        }
    }

    /** JSON numbers are equal by value: the client's 1e3 copied is the 1000 written from the tree. */
    private static final java.util.Comparator<JsonNode> SAME_NUMBER = (x, y) -> x.isNumber() && y.isNumber()
            ? x.decimalValue().compareTo(y.decimalValue()) : x.equals(y) ? 0 : 1;

    private static final String[] NAMES = {"model", "messages", "stream", "stream_options", "temperature", "max_tokens", "tools",
            "user", "x_\u00e9", "seed", "n"};

    private static String randomRequest(Random r) {
        StringBuilder s = new StringBuilder("{").append(space(r));
        int members = r.nextInt(7);
        for (int m = 0; m < members; m++) {
            s.append(m == 0 ? "" : "," + space(r)).append('"').append(NAMES[r.nextInt(NAMES.length)]).append('"')
                    .append(space(r)).append(':').append(space(r)).append(value(r, 0)).append(space(r));
        }
        return s.append('}').toString();
    }

    private static String value(Random r, int depth) {
        return switch (depth > 3 ? r.nextInt(5) : r.nextInt(7)) {
            case 0 -> "\"" + new String[] {"hi", "caf\\u00e9", "q\\\"uote", "\u00fc\u20ac\ud83d\ude00", "", "a\\nb\\\\"}[r.nextInt(6)] + "\"";
            case 1 -> new String[] {"0", "-1", "0.70", "1e3", "12345678901234567890", "3.14159265358979323846"}[r.nextInt(6)];
            case 2 -> new String[] {"true", "false"}[r.nextInt(2)];
            case 3 -> "null";
            case 4 -> "[]";
            case 5 -> "[" + space(r) + value(r, depth + 1) + "," + value(r, depth + 1) + space(r) + "]";
            default -> "{" + space(r) + "\"k\":" + value(r, depth + 1) + space(r) + "}";
        };
    }

    private static String space(Random r) {
        return new String[] {"", "", " ", "\n  ", "\t"}[r.nextInt(5)];
    }

    @Test
    void theRequestCheckStillRuns() {
        assertThatThrownBy(() -> ChatRequest.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(ApiException.class).hasMessageContaining("role");
    }
}
