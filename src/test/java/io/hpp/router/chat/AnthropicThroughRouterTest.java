package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** anthropic/* through the whole router against a fake Anthropic server replaying the golden transcripts. */
class AnthropicThroughRouterTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        return Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-test");
    }

    private static String golden(String dir, String file) {
        try {
            return Files.readString(Path.of(AnthropicThroughRouterTest.class.getResource("/golden/anthropic/" + dir + "/" + file).toURI()));
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FakeProvider.Script sseTranscript(String text) {
        return (req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    /**
     * The cache transcripts report 3,021 prompt tokens for a request of a few hundred bytes, more than a request's hold
     * covers (a request is never charged beyond it): a larger output cap makes the hold cover the report.
     */
    private static String coveringItsReport(String request) {
        assertThat(request).contains("\"max_tokens\": 50");
        return request.replace("\"max_tokens\": 50", "\"max_tokens\": 1000");
    }

    @Test
    void cacheTokensAreBilledOnceEachAtTheirOwnRate() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, golden("cache-usage", "anthropic-response.json")));

        TestRouter.Reply r = chat(c.key(), coveringItsReport(golden("cache-usage", "openai-request.json")));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("anthropic/claude-sonnet-4");
        JsonNode answer = r.json();
        assertThat(OpenApi.errors("ChatCompletionResponse", answer)).isEmpty();
        assertThat(answer.get("model").asText()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("Summary.");
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(3021);

        FakeProvider.Received up = fake.last();
        assertThat(up.path()).isEqualTo("/v1/messages");
        assertThat(up.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(up.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(up.header("Authorization")).isNull();
        assertThat(up.json().get("model").asText()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(up.json().get("system").asText()).isEqualTo("Long shared context");

        // 21 input × $3 + 1,000 cache-write × $3.75 + 2,000 cache-read × $0.30 + 3 output × $15, per 1M tokens
        Money expected = Money.ofDollars("0.004458");
        assertThat(settledConsumer(c.id()).used()).isEqualTo(expected);
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.usage().input()).isEqualTo(21);
        assertThat(row.usage().cacheWrite()).isEqualTo(1000);
        assertThat(row.usage().cacheRead()).isEqualTo(2000);
        assertThat(row.usage().output()).isEqualTo(3);
        assertLedgerBalanced(c.id());
    }

    @Test
    void streamedCacheUsageIsCountedOnceThoughStartAndDeltaBothReportIt() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(sseTranscript(golden("cache-usage-streamed", "anthropic-stream.sse")));

        StreamReply r = stream(c.key(), coveringItsReport(golden("cache-usage-streamed", "openai-request.json")));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data().getLast()).isEqualTo("[DONE]");
        assertThat(fake.last().json().get("stream").asBoolean()).isTrue();
        assertThat(settledConsumer(c.id()).used()).isEqualTo(Money.ofDollars("0.004458"));
        assertLedgerBalanced(c.id());
    }

    @Test
    void streamedToolCallsArriveWholeThroughTheRouter() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(sseTranscript(golden("tools-streamed", "anthropic-stream.sse")));

        StreamReply r = stream(c.key(), golden("tools-streamed", "openai-request.json"));

        StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
        String finish = null;
        for (String d : r.data().subList(0, r.data().size() - 1)) {
            JsonNode chunk = ChatCompletionsTest.parse(d);
            assertThat(chunk.get("model").asText()).isEqualTo("anthropic/claude-sonnet-4");
            for (JsonNode call : chunk.at("/choices/0/delta/tool_calls")) {
                args[call.get("index").asInt()].append(call.at("/function/arguments").asText());
            }
            if (chunk.at("/choices/0/finish_reason").isTextual()) {
                finish = chunk.at("/choices/0/finish_reason").asText();
            }
        }
        assertThat(args[0].toString()).isEqualTo("{\"location\": \"Paris\"}");
        assertThat(args[1].toString()).isEqualTo("{\"location\": \"Rome\"}");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(r.data().getLast()).isEqualTo("[DONE]");
        // 472 × $3 + 89 × $15 per 1M
        assertThat(settledConsumer(c.id()).used()).isEqualTo(Money.ofDollars("0.002751"));
    }

    @Test
    void midStreamErrorEndsTheClientStreamWithAnErrorObject() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(sseTranscript(golden("mid-stream-error", "anthropic-stream.sse")));

        StreamReply r = stream(c.key(), golden("mid-stream-error", "openai-request.json"));

        assertThat(r.data()).doesNotContain("[DONE]");
        JsonNode err = ChatCompletionsTest.parse(r.data().getLast()).get("error");
        assertThat(err.get("code").asText()).isEqualTo("overloaded");
        assertThat(err.get("retryable").asBoolean()).isTrue();
        assertThat(log(c.id()).getFirst().cost().isPositive()).as("billed for what was produced before the error").isTrue();
        assertLedgerBalanced(c.id());
    }

    @Test
    void overloadedAnswerBecomesARetryable500() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        TestRouter.Reply r = chat(c.key(), golden("plain-text", "openai-request.json"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("overloaded");
        assertThat(r.json().at("/error/upstream_status").asInt()).isEqualTo(529);
        assertThat(settledConsumer(c.id()).used()).isEqualTo(Money.ZERO);
    }
}
