package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.routing.RuleSet;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** openai/gpt-5 falls back to moonshotai/kimi-k2.6; the fake answers each provider by its path. */
class FallbackTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        return Map.of("HPP_ROUTER_RETRIES", "1", "HPP_ROUTER_RETRY_BACKOFF_MS", "10", "HPP_ROUTER_CIRCUIT_FAILURES", "4",
                "HPP_ROUTER_CIRCUIT_COOLDOWN_MS", "60000");
    }

    private void openAiAnswers(FakeProvider.Script openai) {
        fake.always((req, ex) -> {
            if (req.path().startsWith("/moonshot/")) {
                FakeProvider.json(200, OpenAiWire.completion("kimi-k2.6", "from kimi", 100, 10, 0)).answer(req, ex);
            } else {
                openai.answer(req, ex);
            }
        });
    }

    private long calls(String prefix) {
        return fake.received().stream().filter(r -> r.path().startsWith(prefix)).count();
    }

    private void gpt5FallsBackToKimi() {
        router.admin("POST", "/admin/v1/models", "{\"id\":\"openai/gpt-5\",\"fallbacks\":[\"moonshotai/kimi-k2.6\"]}");
    }

    @Test
    void retryableFailuresAreRetriedThenTheFallbackServesAndIsNamedAndBilled() {
        gpt5FallsBackToKimi();
        TestRouter.Customer c = router.customer("100");
        openAiAnswers(FakeProvider.json(503, OpenAiWire.OVERLOADED));

        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("moonshotai/kimi-k2.6");
        assertThat(r.json().get("model").asText()).isEqualTo("moonshotai/kimi-k2.6");
        assertThat(calls("/v1/")).as("the model, then one retry").isEqualTo(2);
        assertThat(calls("/moonshot/")).isEqualTo(1);
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.requestedModel()).isEqualTo("openai/gpt-5");
        assertThat(row.resolvedModel()).contains("moonshotai/kimi-k2.6");
        // billed at kimi's prices: 100 × $0.6 + 10 × $2.5 per 1M
        assertThat(row.cost()).isEqualTo(Money.ofDollars("0.000085"));
        assertLedgerBalanced(c.id());
    }

    @Test
    void aRetryThatSucceedsNeedsNoFallback() {
        gpt5FallsBackToKimi();
        TestRouter.Customer c = router.customer("100");
        fake.enqueue(FakeProvider.json(429, OpenAiWire.RATE_LIMITED));
        openAiAnswers(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "second try", 5, 5, 0)));
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("openai/gpt-5");
        assertThat(calls("/moonshot/")).isZero();
    }

    @Test
    void nonRetryableFailuresAreNeitherRetriedNorFallenBackFrom() {
        gpt5FallsBackToKimi();
        TestRouter.Customer c = router.customer("100");
        openAiAnswers(FakeProvider.json(400, OpenAiWire.BAD_REQUEST));
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(400);
        assertThat(calls("/v1/")).isEqualTo(1);
        assertThat(calls("/moonshot/")).isZero();
    }

    @Test
    void neverFallsBackOnceOutputReachedTheClient() {
        gpt5FallsBackToKimi();
        TestRouter.Customer c = router.customer("100");
        List<String> events = new ArrayList<>(OpenAiWire.textStream("gpt-5", List.of("partial", " answer"), 0, 0));
        fake.enqueue(fake.sse(0, events.subList(0, 3)));
        StreamReply r = stream(c.key(), body("openai/gpt-5", ",\"stream\":true"));
        assertThat(r.data()).doesNotContain("[DONE]");
        assertThat(ChatCompletionsTest.parse(r.data().getLast()).has("error")).isTrue();
        assertThat(calls("/moonshot/")).isZero();
        assertThat(r.header("X-HPP-Router-Resolved-Model")).isEqualTo("openai/gpt-5");
    }

    @Test
    void smartRoutingRulesCarryTheirOwnFallbacks() {
        var rules = RuleSet.defaults();
        ((com.fasterxml.jackson.databind.node.ObjectNode) rules.get("tool")).putArray("fallbacks").add("moonshotai/kimi-k2.6");
        assertThat(router.admin("POST", "/admin/v1/routing/rulesets", rules.toString()).status()).isEqualTo(201);
        TestRouter.Customer c = router.customer("100");
        openAiAnswers(FakeProvider.json(500, OpenAiWire.SERVER_ERROR));
        TestRouter.Reply r = chat(c.key(), body("hpprouter/auto", ",\"tool_choice\":\"auto\""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("moonshotai/kimi-k2.6");
        assertThat(r.header("X-HPP-Router-Rule-Id")).contains("tool-default");
    }

    @Test
    void anOpenCircuitSkipsTheFailingModelAtOnce() {
        gpt5FallsBackToKimi();
        TestRouter.Customer c = router.customer("100");
        openAiAnswers(FakeProvider.json(503, OpenAiWire.OVERLOADED));
        chat(c.key(), body("openai/gpt-5", ""));
        chat(c.key(), body("openai/gpt-5", ""));
        assertThat(calls("/v1/")).as("two requests, each with one retry: four failures open the circuit").isEqualTo(4);
        TestRouter.Reply third = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(third.status()).isEqualTo(200);
        assertThat(calls("/v1/")).as("the open circuit was not called").isEqualTo(4);
        assertThat(third.header("X-HPP-Router-Resolved-Model")).contains("moonshotai/kimi-k2.6");
        String metrics = router.get("/metrics", Map.of()).body();
        assertThat(metrics).contains("hpp_circuit_state{target=\"openai/gpt-5\"} 1.0");
        assertThat(metrics).contains("hpp_fallbacks_total{from=\"openai/gpt-5\",to=\"moonshotai/kimi-k2.6\"} 3.0");
    }
}
