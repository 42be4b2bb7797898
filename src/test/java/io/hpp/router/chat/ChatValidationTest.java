package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.TestRouter;
import org.junit.jupiter.api.Test;

class ChatValidationTest extends ChatTestBase {

    private void rejected(String key, String body, String code, String mentions) {
        TestRouter.Reply r = chat(key, body);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.json().get("error").asText()).as(body).isEqualTo(code);
        assertThat(r.json().get("message").asText()).as(body).contains(mentions);
    }

    @Test
    void contractViolationsAre400sNamingTheFieldAndNeverReachTheProvider() {
        String k = router.customer("10").key();
        rejected(k, "{not json", "invalid_request", "JSON");
        rejected(k, "[1,2]", "invalid_request", "object");
        rejected(k, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "invalid_request", "model");
        rejected(k, "{\"model\":\"openai/gpt-5\"}", "invalid_request", "messages");
        rejected(k, "{\"model\":\"openai/gpt-5\",\"messages\":[]}", "invalid_request", "messages");
        rejected(k, "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", "invalid_request", "messages[0].role");
        rejected(k, "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\"}]}", "invalid_request", "messages[0].content");
        rejected(k, "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", "invalid_request", "content");
        rejected(k, "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"ftp://x\"}}]}]}", "invalid_request", "image_url.url");
        rejected(k, body("openai/gpt-5", ",\"max_tokens\":0"), "invalid_request", "max_tokens");
        rejected(k, body("openai/gpt-5", ",\"max_completion_tokens\":1.5"), "invalid_request", "max_completion_tokens");
        rejected(k, body("openai/gpt-5", ",\"stream\":\"yes\""), "invalid_request", "stream");
        rejected(k, body("openai/gpt-5", ",\"temperature\":\"hot\""), "invalid_request", "temperature");
        rejected(k, body("openai/gpt-9", ""), "model_not_found", "openai/gpt-9");
        rejected(k, body("gpt-image-1", ""), "model_not_found", "gpt-image-1");
        rejected(k, body("anthropic/claude-sonnet-4", ""), "model_not_found", "not configured");
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void disabledModelIsNotFound() {
        String k = router.customer("10").key();
        router.admin("POST", "/admin/v1/models", "{\"id\":\"openai/gpt-4o\",\"enabled\":false}");
        rejected(k, body("openai/gpt-4o", ""), "model_not_found", "openai/gpt-4o");
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void assistantToolCallMessagesWithoutContentAreAccepted() {
        String k = router.customer("10").key();
        fake.enqueue(io.hpp.router.testing.FakeProvider.json(200, io.hpp.router.testing.OpenAiWire.completion("gpt-5", "ok", 5, 1, 0)));
        TestRouter.Reply r = chat(k, "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"w?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"f\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]}");
        assertThat(r.status()).isEqualTo(200);
    }
}
