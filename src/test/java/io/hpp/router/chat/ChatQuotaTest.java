package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ChatQuotaTest extends ChatTestBase {

    /** Answers like a provider that honours the output cap: completion tokens = min(cap, 50). */
    private static final FakeProvider.Script HONOURS_CAP = (req, ex) -> {
        JsonNode body = req.json();
        long cap = body.has("max_completion_tokens") ? body.get("max_completion_tokens").asLong()
                : body.has("max_tokens") ? body.get("max_tokens").asLong() : 50;
        byte[] bytes = OpenAiWire.completion("gpt-5", "ok", 20, (int) Math.min(cap, 50), 0).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    };

    @Test
    void exhaustedQuotaIs429BeforeAnyProviderCall() {
        TestRouter.Customer c = router.customer("0");
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.json().get("error").asText()).isEqualTo("quota_exceeded");
        assertThat(r.header("Retry-After")).isEmpty();
        assertThat(fake.received()).isEmpty();
        assertThat(log(c.id()).getFirst().errorCode()).contains("quota_exceeded");
        assertLedgerBalanced(c.id());
    }

    @Test
    void outputCapIsLoweredToWhatTheBalanceCanPay() {
        TestRouter.Customer c = router.customer("0.01");
        fake.always(HONOURS_CAP);
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(200);
        long sentCap = fake.last().json().get("max_completion_tokens").asLong();
        // $0.01 at $10 per 1M output tokens is at most 1,000 tokens, less the input's share
        assertThat(sentCap).isBetween(900L, 999L);
        assertThat(fake.last().json().has("max_tokens")).isFalse();
        assertLedgerBalanced(c.id());
    }

    @Test
    void clientCapIsKeptWhenTheBalanceCoversIt() {
        TestRouter.Customer c = router.customer("1");
        fake.always(HONOURS_CAP);
        chat(c.key(), body("openai/gpt-5", ",\"max_tokens\":40"));
        assertThat(fake.last().json().get("max_tokens").asLong()).isEqualTo(40);
        assertThat(fake.last().json().has("max_completion_tokens")).isFalse();
    }

    @Test
    void usedEqualsLoggedCostAndNeverExceedsQuotaUnderConcurrentLoad() throws Exception {
        TestRouter.Customer c = router.customer("0.005");
        fake.always(HONOURS_CAP);
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            calls.add(() -> chat(c.key(), body("openai/gpt-5", "")).status());
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(60)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
        }
        assertThat(statuses).containsOnly(200, 429).contains(200, 429);
        ConsumerRecord after = settledConsumer(c.id());
        assertThat(after.used()).isLessThanOrEqualTo(after.quota());
        assertThat(after.used().isPositive()).isTrue();
        assertThat(log(c.id())).hasSize(60);
        assertThat(after.requests()).isEqualTo(60);
        assertLedgerBalanced(c.id());
        // every successful call cost 20 × 1.25 + min(cap, 50) × 10 per 1M: the ledger adds up to the calls made
        long ok = statuses.stream().filter(s -> s == 200).count();
        assertThat(fake.received()).hasSize((int) ok);
        assertThat(after.used()).isLessThanOrEqualTo(new Money(ok * 525_000));
    }

    @Test
    void rejectPolicyRefusesInsteadOfLoweringTheCap() {
        router.close();
        router = TestRouter.start(java.util.Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", UPSTREAM_KEY,
                "HPP_ROUTER_QUOTA_OVERFLOW", "reject"));
        TestRouter.Customer c = router.customer("0.01");
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(429);
        assertThat(fake.received()).isEmpty();
        fake.always(HONOURS_CAP);
        assertThat(chat(c.key(), body("openai/gpt-5", ",\"max_completion_tokens\":100")).status()).isEqualTo(200);
    }

    /**
     * Answers like a provider that reads only {@code capField}, honours it and {@code n}: each of the n answers is
     * min(cap, 1,000) tokens (20 prompt tokens).
     */
    private static FakeProvider.Script readsOnly(String capField) {
        return (req, ex) -> {
            JsonNode body = req.json();
            long cap = body.path(capField).asLong(1_000);
            int n = body.path("n").asInt(1);
            long completion = n * Math.min(cap, 1_000);
            byte[] bytes = OpenAiWire.completion("m", "ok", 20, (int) completion, 0).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        };
    }

    @Test
    void theHoldCoversEveryOneOfNAnswers() {
        TestRouter.Customer c = router.customer("0.05");
        fake.always(readsOnly("max_completion_tokens"));

        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ",\"n\":128"));

        assertThat(r.status()).isEqualTo(200);
        JsonNode sent = fake.last().json();
        assertThat(sent.get("n").asInt()).isEqualTo(128);
        // 128 answers at $10 per 1M output tokens within $0.05: at most 39 tokens each
        assertThat(sent.get("max_completion_tokens").asLong()).isBetween(1L, 39L);
        ConsumerRecord after = settledConsumer(c.id());
        assertThat(after.used()).isLessThanOrEqualTo(after.quota());
        assertThat(log(c.id()).getFirst().usage().output()).isEqualTo(128 * sent.get("max_completion_tokens").asLong());
        assertLedgerBalanced(c.id());
    }

    @Test
    void exactlyOneOutputCapGoesUpstreamAndTheHoldUsesIt() {
        TestRouter.Customer c = router.customer("0.01");
        fake.always(readsOnly("max_tokens"));

        TestRouter.Reply r = chat(c.key(), body("moonshotai/kimi-k2.6", ",\"max_completion_tokens\":10,\"max_tokens\":100000"));

        assertThat(r.status()).isEqualTo(200);
        JsonNode sent = fake.last().json();
        assertThat(sent.get("max_tokens").asLong()).isEqualTo(10);
        assertThat(sent.has("max_completion_tokens")).isFalse();
        // 20 input × $0.6 + 10 output × $2.5, per 1M tokens
        assertThat(settledConsumer(c.id()).used()).isEqualTo(Money.ofDollars("0.000037"));

        fake.always(readsOnly("max_completion_tokens"));
        assertThat(chat(c.key(), body("openai/gpt-5", ",\"max_tokens\":100000,\"max_completion_tokens\":10")).status()).isEqualTo(200);
        sent = fake.last().json();
        assertThat(sent.get("max_completion_tokens").asLong()).isEqualTo(10);
        assertThat(sent.has("max_tokens")).isFalse();
        assertLedgerBalanced(c.id());
    }

    @Test
    void aProviderReportingMoreThanWasHeldIsChargedTheHoldLoggedAndCounted() {
        TestRouter.Customer c = router.customer("1");
        // 1,000,000 output tokens against a cap of 10: $10 at gpt-5's rate, for a request that held about $0.0001
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 20, 1_000_000, 0)));

        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ",\"max_completion_tokens\":10"));

        assertThat(r.status()).isEqualTo(200);
        ConsumerRecord after = settledConsumer(c.id());
        assertThat(after.used()).isLessThanOrEqualTo(after.quota());
        // held: the input bound (a few hundred tokens at most) × $1.25 + 10 × $10, per 1M tokens
        assertThat(after.used()).isGreaterThanOrEqualTo(Money.ofDollars("0.0001")).isLessThan(Money.ofDollars("0.001"));
        assertThat(log(c.id()).getFirst().cost()).isEqualTo(after.used());
        assertThat(router.get("/metrics", java.util.Map.of()).body()).contains("hpp_settlement_over_hold_total{endpoint=\"chat\"} 1.0");
        assertLedgerBalanced(c.id());
    }
}
