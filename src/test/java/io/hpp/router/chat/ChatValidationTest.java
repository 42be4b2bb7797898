package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.TestRouter;
import java.util.List;
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

    @Test
    void modelIdsWithControlCharactersOrOver256CharactersAre400AndKeptOutOfTheRequestLog() {
        TestRouter.Customer c = router.customer("10");
        // JSON escapes: NUL (PostgreSQL refuses it in text), ESC, a newline, C1's NEL, DEL; then 257 characters
        for (String model : List.of("openai/gpt-5\\u0000", "openai/\\u001bgpt-5", "openai/gpt-5\\n", "openai/gpt-5\\u0085",
                "openai/gpt-5\\u007f", "openai/" + "x".repeat(250))) {
            rejected(c.key(), body(model, ""), "invalid_request", "'model'");
        }
        assertThat(fake.received()).isEmpty();
        List<RequestLogEntry> rows = log(c.id());
        assertThat(rows).hasSize(6);
        for (RequestLogEntry row : rows) {
            assertThat(row.requestedModel()).doesNotContainPattern("\\p{Cntrl}|\\u0085").hasSizeLessThanOrEqualTo(256);
        }
        assertLedgerBalanced(c.id());
    }

    @Test
    void nMustBeAnIntegerFrom1To128() {
        String k = router.customer("10").key();
        for (String n : List.of("0", "129", "1.5", "\"2\"", "true", "9223372036854775808")) {
            rejected(k, body("openai/gpt-5", ",\"n\":" + n), "invalid_request", "'n'");
        }
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void clientNumbersOutOfRangeAre400NotA500() {
        String k = router.customer("10").key();
        rejected(k, body("openai/gpt-5", ",\"max_tokens\":9223372036854775807"), "invalid_request", "max_tokens");
        rejected(k, body("openai/gpt-5", ",\"max_completion_tokens\":1000000001"), "invalid_request", "max_completion_tokens");
        rejected(k, body("openai/gpt-5", ",\"temperature\":1e999999999"), "invalid_request", "temperature");
        rejected(k, body("openai/gpt-5", ",\"temperature\":-0.5"), "invalid_request", "temperature");
        rejected(k, body("openai/gpt-5", ",\"temperature\":2.5"), "invalid_request", "temperature");
        // a pass-through member written again from its tree (a name given twice) must not fail on an absurd number
        rejected(k, body("openai/gpt-5", ",\"top_p\":1e-999999999,\"seed\":1,\"seed\":2"), "invalid_request", "top_p");
        rejected(k, body("openai/gpt-5", ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"
                + "{\"type\":\"number\",\"maximum\":1e400}}}]"), "invalid_request", "tools");
        assertThat(fake.received()).isEmpty();
    }
}
