package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Numbers no real client or provider sends: a client's are refused with 400, a provider's usage beyond
 * 10^9 tokens per kind is an anomaly charged at the request's hold, and no sum overflows.
 */
class AbsurdNumbersTest extends ChatTestBase {
    private static final String HUGE = "9223372036854775807";
    /** The most tokens of one kind a report may hold: billing.TokenUsage.MAX_TOKENS. */
    private static final long MAX_TOKENS = 1_000_000_000L;

    @Override
    Map<String, String> extraEnv() {
        return Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-test");
    }

    private static String anthropicMessage(String usage) {
        return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":" + usage + "}";
    }

    /** Charged more than nothing, never more than the small hold of a 10-token cap, and the ledger adds up. */
    private void chargedTheHold(TestRouter.Customer c, Money atMost) {
        ConsumerRecord after = settledConsumer(c.id());
        assertThat(after.used().isPositive()).isTrue();
        assertThat(after.used()).isLessThanOrEqualTo(atMost);
        for (RequestLogEntry row : log(c.id())) {
            assertThat(row.usage().input()).isLessThanOrEqualTo(MAX_TOKENS);
            assertThat(row.usage().output()).isLessThanOrEqualTo(MAX_TOKENS);
            assertThat(row.usage().cacheRead()).isLessThanOrEqualTo(MAX_TOKENS);
            assertThat(row.usage().cacheWrite()).isLessThanOrEqualTo(MAX_TOKENS);
        }
        assertLedgerBalanced(c.id());
    }

    @Test
    void aProviderReportingLongMaxTokensStillAnswersAndIsChargedTheHold() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 20, 0, 0)
                .replace("\"completion_tokens\":0", "\"completion_tokens\":" + HUGE)));

        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ",\"max_completion_tokens\":10"));

        assertThat(r.status()).isEqualTo(200);
        chargedTheHold(c, Money.ofDollars("0.001"));
        assertThat(log(c.id()).getFirst().status()).isEqualTo(200);
    }

    @Test
    void aProviderReportingAQuadrillionTokensIsChargedTheHoldNotMillions() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("kimi-k2.6", "ok", 0, 3, 0)
                .replace("\"prompt_tokens\":0", "\"prompt_tokens\":1000000000000000")));

        TestRouter.Reply r = chat(c.key(), body("moonshotai/kimi-k2.6", ",\"max_tokens\":10"));

        assertThat(r.status()).isEqualTo(200);
        chargedTheHold(c, Money.ofDollars("0.001"));
    }

    @Test
    void aStreamReportingAnAbsurdUsageIsChargedTheHold() {
        TestRouter.Customer c = router.customer("1");
        List<String> events = new java.util.ArrayList<>(OpenAiWire.textStream("gpt-5", List.of("Hi"), 20, 0));
        events.set(events.size() - 2, events.get(events.size() - 2).replace("\"completion_tokens\":0", "\"completion_tokens\":1e30"));
        fake.enqueue(fake.sse(0, events));

        StreamReply r = stream(c.key(), body("openai/gpt-5", ",\"stream\":true,\"max_completion_tokens\":10"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data()).contains("[DONE]");
        chargedTheHold(c, Money.ofDollars("0.001"));
        // not read as 0 output tokens: at least the 10 held output tokens × $10 per 1M are charged
        assertThat(settledConsumer(c.id()).used()).isGreaterThanOrEqualTo(Money.ofDollars("0.0001"));
    }

    @Test
    void anthropicUsageWhoseSumOverflowsIsChargedTheHold() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, anthropicMessage("{\"input_tokens\":" + HUGE + ",\"cache_creation_input_tokens\":" + HUGE
                + ",\"cache_read_input_tokens\":" + HUGE + ",\"output_tokens\":3}")));

        TestRouter.Reply r = chat(c.key(), body("anthropic/claude-sonnet-4", ",\"max_tokens\":10"));

        assertThat(r.status()).isEqualTo(200);
        chargedTheHold(c, Money.ofDollars("0.005"));
    }

    @Test
    void anthropicModelsRefuseAbsurdClientNumbersWith400() {
        String k = router.customer("1").key();
        for (String extra : List.of(",\"max_tokens\":" + HUGE, ",\"temperature\":1e999999999", ",\"top_k\":1e999999999",
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"number\",\"minimum\":-1e400}}}]")) {
            TestRouter.Reply r = chat(k, body("anthropic/claude-sonnet-4", extra));
            assertThat(r.status()).as(extra).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(extra).isEqualTo("invalid_request");
        }
        assertThat(fake.received()).isEmpty();
    }

    /** Valid JSON that no Java number holds: Jackson (exact decimals) threw NumberFormatException, a 500 internal_error. */
    @Test
    void aProviderAnswerWithANumberBeyondEveryRangeIsABadResponseNotAnInternalError() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 20, 3, 0)
                .replace("\"prompt_tokens\":20", "\"prompt_tokens\":1e2036854775807")));

        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ",\"max_completion_tokens\":10"));

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("bad_response");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("internal_error");
        assertLedgerBalanced(c.id());
    }

    @Test
    void aStreamWhoseUsageHoldsANumberBeyondEveryRangeEndsWithAnErrorEventNotAnInternalError() {
        TestRouter.Customer c = router.customer("1");
        List<String> events = new java.util.ArrayList<>(OpenAiWire.textStream("gpt-5", List.of("Hi"), 20, 0));
        events.set(events.size() - 2, events.get(events.size() - 2).replace("\"completion_tokens\":0", "\"completion_tokens\":9e2036854775807"));
        fake.enqueue(fake.sse(0, events));

        StreamReply r = stream(c.key(), body("openai/gpt-5", ",\"stream\":true,\"max_completion_tokens\":10"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data()).doesNotContain("[DONE]").anySatisfy(d -> assertThat(d).contains("bad_response"));
        assertThat(log(c.id()).getFirst().status()).isNotEqualTo(200);
        assertLedgerBalanced(c.id());
    }
}
