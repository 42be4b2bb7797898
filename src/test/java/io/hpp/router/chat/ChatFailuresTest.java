package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatFailuresTest extends ChatTestBase {

    private JsonNode providerError(int upstreamStatus, String upstreamBody, int expectedStatus) {
        TestRouter.Customer c = router.customer("10");
        fake.enqueue(FakeProvider.json(upstreamStatus, upstreamBody));
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(expectedStatus);
        assertThat(OpenApi.errors("ErrorEnvelope", r.json())).isEmpty();
        assertThat(settledConsumer(c.id()).used()).as("failed calls are not billed").isEqualTo(Money.ZERO);
        assertLedgerBalanced(c.id());
        return r.json().get("error");
    }

    @Test
    void providerRateLimitBecomesARetryable429() {
        JsonNode e = providerError(429, OpenAiWire.RATE_LIMITED, 429);
        assertThat(e.get("type").asText()).isEqualTo("upstream_error");
        assertThat(e.get("provider").asText()).isEqualTo("openai");
        assertThat(e.get("upstream_status").asInt()).isEqualTo(429);
        assertThat(e.get("retryable").asBoolean()).isTrue();
        assertThat(e.get("message").asText()).contains("Rate limit reached");
    }

    @Test
    void provider500And503BecomeRetryable500s() {
        JsonNode e500 = providerError(500, OpenAiWire.SERVER_ERROR, 500);
        assertThat(e500.get("retryable").asBoolean()).isTrue();
        assertThat(e500.get("upstream_status").asInt()).isEqualTo(500);
        JsonNode e503 = providerError(503, OpenAiWire.OVERLOADED, 500);
        assertThat(e503.get("code").asText()).isEqualTo("overloaded");
        assertThat(e503.get("retryable").asBoolean()).isTrue();
    }

    @Test
    void providerRejectingTheRequestIsANonRetryable400() {
        JsonNode e = providerError(400, OpenAiWire.BAD_REQUEST, 400);
        assertThat(e.get("retryable").asBoolean()).isFalse();
        assertThat(e.get("message").asText()).contains("temperature");
    }

    @Test
    void providerRefusingOurCredentialsIsAGatewayErrorThatNeverBlamesTheClientKey() {
        JsonNode e = providerError(401, OpenAiWire.INVALID_KEY, 500);
        assertThat(e.get("retryable").asBoolean()).isFalse();
        assertThat(e.get("upstream_status").asInt()).isEqualTo(401);
        assertThat(e.get("message").asText()).doesNotContain("sk-test").contains("gateway");
    }

    @Test
    void slowFirstByteTimesOutAsARetryable500WithoutUpstreamStatus() {
        TestRouter.Customer c = router.customer("10");
        fake.enqueue(FakeProvider.delayed(4_000, FakeProvider.json(200, OpenAiWire.completion("gpt-5", "late", 1, 1, 0))));
        long t0 = System.nanoTime();
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(500);
        JsonNode e = r.json().get("error");
        assertThat(e.get("code").asText()).isEqualTo("timeout");
        assertThat(e.get("retryable").asBoolean()).isTrue();
        assertThat(e.has("upstream_status")).isFalse();
        assertThat(tookMs).as("gave up at the 1.5 s first-byte timeout, not at the 4 s answer").isLessThan(3_500);
        assertThat(settledConsumer(c.id()).used()).isEqualTo(Money.ZERO);
    }

    @Test
    void unreachableProviderIsARetryable500() {
        fake.close();
        TestRouter.Customer c = router.customer("10");
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("connection_failed");
        assertThat(r.json().at("/error/retryable").asBoolean()).isTrue();
    }

    @Test
    void streamCutMidAnswerEndsWithAnErrorEventNoDoneAndIsBilledForWhatWasProduced() {
        TestRouter.Customer c = router.customer("10");
        List<String> events = new ArrayList<>(OpenAiWire.textStream("gpt-5", List.of("The", " answer", " is"), 0, 0));
        fake.enqueue(fake.sse(0, events.subList(0, 4)));  // role chunk + three words, then the connection closes

        StreamReply r = stream(c.key(), body("openai/gpt-5", ",\"stream\":true"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data()).doesNotContain("[DONE]");
        JsonNode last = ChatCompletionsTest.parse(r.data().getLast());
        assertThat(last.at("/error/type").asText()).isEqualTo("upstream_error");
        assertThat(last.at("/error/provider").asText()).isEqualTo("openai");
        assertThat(r.data()).hasSize(5);
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.usage().output()).as("tokens of 'The answer is'").isEqualTo(3);
        assertThat(row.usage().promptTokens()).isPositive();
        assertThat(row.cost().isPositive()).isTrue();
        assertThat(row.status()).isEqualTo(500);
        assertLedgerBalanced(c.id());
    }

    @Test
    void clientDisconnectMidStreamKeepsReadingTheProviderAndChargesTheUsageItReports() throws Exception {
        TestRouter.Customer c = router.customer("10");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            words.add("w" + i + " ");
        }
        // a reasoning model: 50,000 completion tokens, almost all of them hidden reasoning that never shows in the stream
        fake.enqueue(fake.sse(30, OpenAiWire.textStream("gpt-5", words, 10, 50_000)));

        disconnectAfterTheFirstBytes(c.key());

        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(fake.eventsWrittenBeforeAbort.get()).as("the provider's stream was read to its end").isEqualTo(-1);
        assertThat(row.errorCode()).contains("client_disconnected");
        assertThat(row.status()).isEqualTo(499);
        assertThat(row.usage().output()).isEqualTo(50_000);
        // 10 input × $1.25 + 50,000 output × $10, per 1M tokens: what the provider charges us
        assertThat(row.cost()).isEqualTo(io.hpp.router.value.Money.ofDollars("0.5000125"));
        assertLedgerBalanced(c.id());
    }

    /** Starts a stream, reads its first 200 bytes and hangs up. */
    void disconnectAfterTheFirstBytes(String key) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(router.baseUrl() + "/llm/v1/chat/completions"))
                .header("apikey", key).POST(HttpRequest.BodyPublishers.ofString(body("openai/gpt-5",
                        ",\"stream\":true,\"max_completion_tokens\":100000")))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            in.readNBytes(200);
        }
    }
}
