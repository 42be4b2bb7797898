package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.BudgetPeriod;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.KeySettings;
import io.hpp.router.store.KeySpend;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A key narrower than its consumer, end to end: its budget, allow-list, expiry, disabled flag and rate limits refuse
 * before any provider call, in the error shape of the API called; hpprouter/auto goes only where the key may go.
 */
class KeyControlsTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        return Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant");
    }

    /** Answers like a provider that honours the output cap: completion tokens = min(cap, 50), 20 prompt tokens. */
    private static final FakeProvider.Script HONOURS_CAP = (req, ex) -> {
        JsonNode body = req.json();
        long cap = body.has("max_completion_tokens") ? body.get("max_completion_tokens").asLong()
                : body.has("max_tokens") ? body.get("max_tokens").asLong() : 50;
        byte[] bytes = OpenAiWire.completion("gpt-5", "ok", 20, (int) Math.min(cap, 50), 0).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    };

    /** Gives the customer's key these settings before its first use (no node has it cached yet). */
    private void narrow(TestRouter.Customer c, KeySettings settings) {
        assertThat(router.app().store().updateKey(c.keyId(), Optional.of("agent"), settings, Instant.now())).isPresent();
    }

    private static KeySettings budget(String dollars, Optional<BudgetPeriod> period) {
        return new KeySettings(Optional.empty(), Optional.of(Money.ofDollars(dollars)), period, List.of(), ConsumerRecord.RateLimits.NONE,
                false, Optional.empty());
    }

    private static KeySettings allowing(String... models) {
        return new KeySettings(Optional.empty(), Optional.empty(), Optional.empty(), List.of(models), ConsumerRecord.RateLimits.NONE, false,
                Optional.empty());
    }

    private KeySpend spend(TestRouter.Customer c) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        return router.app().store().keySpend(c.keyId()).orElseThrow();
    }

    private Money keyLogged(TestRouter.Customer c) {
        return log(c.id()).stream().filter(e -> e.keyId().equals(c.keyId())).map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
    }

    @Test
    void aKeysBudgetRefusesBeforeTheBalanceDoesAndItsSpendIsItsRequests() {
        TestRouter.Customer c = router.customer("5");
        narrow(c, budget("0.002", Optional.of(BudgetPeriod.DAILY)));
        fake.always(HONOURS_CAP);
        int ok = 0;
        TestRouter.Reply refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ",\"max_completion_tokens\":50"));
            if (r.status() == 200) {
                ok++;
            } else {
                refused = r;
            }
        }
        // each request costs 20 × $1.25 + 50 × $10 per 1M = $0.000525: the budget pays three, and a fourth only lowered
        assertThat(ok).isBetween(3, 5);
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("error").asText()).isEqualTo("key_budget_exceeded");
        assertThat(refused.json().get("message").asText()).contains("budget", "resets at " + BudgetPeriod.DAILY.next(Instant.now()));
        assertThat(fake.received()).as("the refused request never reached the provider").hasSize(ok);
        KeySpend s = spend(c);
        assertThat(s.spent()).isEqualTo(keyLogged(c)).isLessThanOrEqualTo(Money.ofDollars("0.002"));
        assertThat(s.reserved()).isEqualTo(Money.ZERO);
        ConsumerRecord after = settledConsumer(c.id());
        assertThat(after.available()).as("the consumer's balance was not what ran out").isGreaterThan(Money.ofDollars("4.99"));
        assertThat(log(c.id()).getFirst().errorCode()).contains("key_budget_exceeded");
        assertLedgerBalanced(c.id());
    }

    @Test
    void theOutputCapIsLoweredToWhatTheKeysBudgetAllows() {
        TestRouter.Customer c = router.customer("5");
        narrow(c, budget("0.001", Optional.empty()));
        fake.always(HONOURS_CAP);
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ",\"max_completion_tokens\":100000"));
        assertThat(r.status()).isEqualTo(200);
        long sentCap = fake.last().json().get("max_completion_tokens").asLong();
        // $0.001 at $10 per 1M output tokens is at most 100 tokens, less the input's share; the balance ($5) would allow all
        assertThat(sentCap).isBetween(1L, 99L);
        assertThat(spend(c).spent()).isEqualTo(keyLogged(c)).isLessThanOrEqualTo(Money.ofDollars("0.001"));
    }

    @Test
    void aKeyWithoutBudgetStillCountsItsSpend() {
        TestRouter.Customer c = router.customer("5");
        fake.always(HONOURS_CAP);
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);
        KeySpend s = spend(c);
        assertThat(s.totalSpent()).isEqualTo(keyLogged(c)).isEqualTo(settledConsumer(c.id()).used()).isGreaterThan(Money.ZERO);
        assertThat(s.requests()).isEqualTo(2);
        assertThat(s.totalTokens()).isEqualTo(140);
    }

    @Test
    void aModelOutsideTheAllowListIs403NamingTheModelAndWhatTheKeyAllows() {
        TestRouter.Customer c = router.customer("5");
        narrow(c, allowing("openai/*"));
        fake.always(HONOURS_CAP);
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);
        assertThat(chat(c.key(), body("gpt-4o-mini", "")).status()).as("an alias of an allowed model").isEqualTo(200);
        TestRouter.Reply r = chat(c.key(), body("moonshotai/kimi-k2.6", ""));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).isEqualTo("model_not_allowed");
        assertThat(r.json().get("message").asText()).contains("moonshotai/kimi-k2.6", "openai/*");
        TestRouter.Reply auto = chat(c.key(), body("hpprouter/auto", ""));
        assertThat(auto.status()).as("auto is a model the list must allow").isEqualTo(403);
        assertThat(auto.json().get("message").asText()).contains("hpprouter/auto");
        assertThat(fake.received()).hasSize(2);
        assertLedgerBalanced(c.id());
    }

    @Test
    void theOtherApisRefuseInTheirOwnShapes() {
        TestRouter.Customer c = router.customer("5");
        narrow(c, new KeySettings(Optional.empty(), Optional.of(Money.ZERO), Optional.empty(), List.of("openai/*"),
                ConsumerRecord.RateLimits.NONE, false, Optional.empty()));
        Map<String, String> auth = Map.of("x-api-key", c.key(), "anthropic-version", "2023-06-01");
        String messages = "{\"model\":\"%s\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        TestRouter.Reply notAllowed = router.send("POST", "/v1/messages", messages.formatted("moonshotai/kimi-k2.6"), auth);
        assertThat(notAllowed.status()).isEqualTo(403);
        assertThat(notAllowed.json().at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(notAllowed.json().at("/error/message").asText()).contains("moonshotai/kimi-k2.6");
        TestRouter.Reply spent = router.send("POST", "/v1/messages", messages.formatted("openai/gpt-4o-mini"), auth);
        assertThat(spent.status()).as("Claude Code stops at once on a billing error, where a 429 is retried for minutes").isEqualTo(402);
        assertThat(spent.json().at("/error/type").asText()).isEqualTo("billing_error");
        assertThat(spent.json().at("/error/message").asText()).contains("API key's budget");

        TestRouter.Reply responses = router.send("POST", "/llm/v1/responses", "{\"model\":\"openai/gpt-4o-mini\",\"input\":\"hi\"}",
                Map.of("Authorization", "Bearer " + c.key()));
        assertThat(responses.status()).isEqualTo(429);
        assertThat(responses.json().at("/error/code").asText()).isEqualTo("key_budget_exceeded");
        assertThat(responses.json().at("/error/type").asText()).isEqualTo("insufficient_quota");
        assertThat(responses.header("Retry-After")).isEmpty();
        assertThat(fake.received()).isEmpty();
        assertLedgerBalanced(c.id());
    }

    @Test
    void anExpiredKeyAndADisabledKeyAre401SayingWhy() {
        TestRouter.Customer expired = router.customer("5");
        narrow(expired, new KeySettings(Optional.of(Instant.now().minusSeconds(1)), Optional.empty(), Optional.empty(), List.of(),
                ConsumerRecord.RateLimits.NONE, false, Optional.empty()));
        TestRouter.Reply r = chat(expired.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asText()).isEqualTo("key_expired");
        assertThat(r.json().get("message").asText()).contains("expired").doesNotContain("Invalid");

        TestRouter.Customer later = router.customer("5");
        narrow(later, new KeySettings(Optional.of(Instant.now().plusSeconds(3600)), Optional.empty(), Optional.empty(), List.of(),
                ConsumerRecord.RateLimits.NONE, false, Optional.empty()));
        fake.always(HONOURS_CAP);
        assertThat(chat(later.key(), body("openai/gpt-5", "")).status()).as("not expired yet").isEqualTo(200);

        TestRouter.Customer disabled = router.customer("5");
        narrow(disabled, new KeySettings(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), ConsumerRecord.RateLimits.NONE,
                true, Optional.empty()));
        TestRouter.Reply d = chat(disabled.key(), body("openai/gpt-5", ""));
        assertThat(d.status()).isEqualTo(401);
        assertThat(d.json().get("error").asText()).isEqualTo("key_disabled");
        // a wrong secret for an expired key's id learns nothing about the key
        String forged = expired.key().substring(0, expired.key().indexOf('.') + 1) + "wrong";
        assertThat(chat(forged, body("openai/gpt-5", "")).json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(fake.received()).hasSize(1);
    }

    @Test
    void aKeysRateLimitRefusesWhileItsConsumerIsUnlimited() throws Exception {
        TestRouter.Customer c = router.customer("5");
        narrow(c, new KeySettings(Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                new ConsumerRecord.RateLimits(Optional.of(2L), Optional.empty()), false, Optional.empty()));
        fake.always(HONOURS_CAP);
        RateLimitTest.awayFromAMinuteBoundary();
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);
        TestRouter.Reply limited = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("error").asText()).isEqualTo("rate_limited");
        assertThat(limited.json().get("message").asText()).contains("API key's rate limit", "2 requests per minute");
        assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isBetween(1L, 60L);
        // another key of the same consumer is not limited by this one's limit
        String other = router.admin("POST", "/admin/v1/consumers/" + c.id() + "/keys", "{}").json().get("key").asText();
        assertThat(chat(other, body("openai/gpt-5", "")).status()).isEqualTo(200);
        assertThat(fake.received()).hasSize(3);
    }

    @Test
    void autoGoesToTheNearestRungTheKeyMayUseAboveThenBelowAndSaysSo() {
        fake.always(HONOURS_CAP);
        TestRouter.Customer up = router.customer("5");
        narrow(up, allowing("hpprouter/auto", "openai/gpt-5"));
        // a small request is simple (openai/gpt-4o-mini): the key may not use it, nor T1; T2 is the nearest above
        TestRouter.Reply r = chat(up.key(), body("hpprouter/auto", ""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("openai/gpt-5");
        assertThat(r.header("X-HPP-Router-Rerouted-From")).contains("openai/gpt-4o-mini");
        assertThat(r.header("X-HPP-Router-Tier")).contains("T2");
        assertThat(fake.last().json().get("model").asText()).isEqualTo("gpt-5");
        RequestLogEntry row = log(up.id()).getFirst();
        assertThat(row.meta().reroutedFrom()).contains("openai/gpt-4o-mini");
        assertThat(row.resolvedModel()).contains("openai/gpt-5");

        TestRouter.Customer down = router.customer("5");
        narrow(down, allowing("hpprouter/auto", "openai/gpt-5-mini"));
        // ~6,000 tokens is T2 (openai/gpt-5); T3 is not allowed either: T1 is the nearest below
        String big = body("hpprouter/auto", "").replace("Hello there", "consensus protocols in depth ".repeat(1500));
        TestRouter.Reply below = chat(down.key(), big);
        assertThat(below.status()).isEqualTo(200);
        assertThat(below.header("X-HPP-Router-Resolved-Model")).contains("openai/gpt-5-mini");
        assertThat(below.header("X-HPP-Router-Rerouted-From")).contains("openai/gpt-5");

        TestRouter.Customer none = router.customer("5");
        narrow(none, allowing("hpprouter/auto", "ollama/*"));
        TestRouter.Reply refused = chat(none.key(), body("hpprouter/auto", ""));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("model_not_allowed");
        assertThat(refused.json().get("message").asText()).contains("openai/gpt-4o-mini", "no tier");

        TestRouter.Customer autoOnly = router.customer("5");
        narrow(autoOnly, allowing("hpprouter/auto"));
        TestRouter.Reply routed = chat(autoOnly.key(), body("hpprouter/auto", ""));
        assertThat(routed.header("X-HPP-Router-Resolved-Model")).as("an auto-only key goes where the rules say").contains("openai/gpt-4o-mini");
        assertThat(routed.header("X-HPP-Router-Rerouted-From")).isEmpty();
        assertThat(chat(autoOnly.key(), body("openai/gpt-4o-mini", "")).status()).as("but may not name a model itself").isEqualTo(403);
        assertThat(fake.received()).hasSize(3);
    }

    @Test
    void aFallbackTheKeyMayNotUseIsNeverCalled() {
        TestRouter.Customer c = router.customer("5");
        narrow(c, allowing("openai/gpt-5"));
        io.hpp.router.value.Model gpt5 = router.app().store().models().stream().filter(m -> m.id().equals("openai/gpt-5")).findFirst()
                .orElseThrow();
        router.admin("POST", "/admin/v1/models", "{\"id\":\"openai/gpt-5\",\"fallbacks\":[\"moonshotai/kimi-k2.6\"]}");
        assertThat(router.app().store().models().stream().filter(m -> m.id().equals("openai/gpt-5")).findFirst().orElseThrow().fallbacks())
                .as("the catalog names the fallback (was %s)", gpt5.fallbacks()).containsExactly("moonshotai/kimi-k2.6");
        fake.always(FakeProvider.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        TestRouter.Reply r = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(r.status()).isGreaterThanOrEqualTo(500);
        assertThat(fake.received()).as("only openai/gpt-5 was tried").allSatisfy(q -> assertThat(q.path()).doesNotContain("moonshot"));
        assertLedgerBalanced(c.id());
    }
}
