package io.hpp.router.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The body sent upstream for a chat request, and the client's request it is made from, which must stay as it was. */
class ChatBodyTest {
    private static final String REQUEST = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
            + "\"stream_options\":{\"include_usage\":false,\"x\":1},\"temperature\":0.2}";

    private static ObjectNode request() {
        return Json.requestObject(REQUEST.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void streamBodyAsksForUsageAndLeavesTheRequestAlone() {
        ObjectNode req = request();
        ObjectNode body = OpenAiCompatibleProvider.chatBody(req, "gpt-4o-mini", true);
        assertThat(new String(Json.bytes(body), StandardCharsets.UTF_8)).isEqualTo(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"stream_options\":{\"include_usage\":true,\"x\":1},\"temperature\":0.2,\"stream\":true}");
        assertThat(req).isEqualTo(request());
        // the messages are shared, not copied; the changed member inside is a copy
        assertThat(body.get("messages")).isSameAs(req.get("messages"));
        assertThat(body.get("stream_options")).isNotSameAs(req.get("stream_options"));
    }

    @Test
    void streamBodyWithoutOptionsGetsThem() {
        ObjectNode req = request();
        req.remove("stream_options");
        ObjectNode before = req.deepCopy();
        ObjectNode body = OpenAiCompatibleProvider.chatBody(req, "m", true);
        assertThat(body.get("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
        assertThat(req).isEqualTo(before);
    }

    @Test
    void answerBodyDropsStreamOptionsAndLeavesTheRequestAlone() {
        ObjectNode req = request();
        ObjectNode body = OpenAiCompatibleProvider.chatBody(req, "gpt-4o-mini", false);
        assertThat(new String(Json.bytes(body), StandardCharsets.UTF_8)).isEqualTo(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.2,\"stream\":false}");
        assertThat(req).isEqualTo(request());
    }

    @Test
    void aFallbackStartsFromTheClientsRequest() {
        ObjectNode req = request();
        OpenAiCompatibleProvider.chatBody(req, "first-model", true);
        ObjectNode second = OpenAiCompatibleProvider.chatBody(req, "second-model", false);
        assertThat(second.get("model").asText()).isEqualTo("second-model");
        assertThat(second.has("stream_options")).isFalse();
        assertThat(req.get("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(req.get("stream_options").toString()).isEqualTo("{\"include_usage\":false,\"x\":1}");
    }

    @Test
    void aLoweredCapIsSetOnACopy() {
        io.hpp.router.chat.ChatRequest req = io.hpp.router.chat.ChatRequest.parse(REQUEST.getBytes(StandardCharsets.UTF_8));
        io.hpp.router.chat.ChatRequest capped = req.withCap("max_tokens", 100);
        assertThat(capped.body().get("max_tokens").asLong()).isEqualTo(100);
        assertThat(req.body().has("max_tokens")).isFalse();
        assertThat(req.body()).isEqualTo(request());
    }
}
