package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import org.junit.jupiter.api.Test;

class RateLimitTest extends ChatTestBase {

    /** Tests count within one minute window: do not start in its last seconds. */
    static void awayFromAMinuteBoundary() throws InterruptedException {
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 50_000) {
            Thread.sleep(60_000 - intoMinute + 100);
        }
    }

    @Test
    void requestsPerMinuteIsExactAtTheBoundaryAndSaysWhenToRetry() throws Exception {
        TestRouter.Customer c = router.customer("100");
        assertThat(router.admin("POST", "/admin/v1/consumers/" + c.id() + "/limits", "{\"requests_per_minute\":3}").json()
                .at("/rate_limits/requests_per_minute").asInt()).isEqualTo(3);
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 5, 1, 0)));
        awayFromAMinuteBoundary();
        for (int i = 0; i < 3; i++) {
            assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).as("request %d", i + 1).isEqualTo(200);
        }
        TestRouter.Reply limited = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("error").asText()).isEqualTo("rate_limited");
        long retryAfter = Long.parseLong(limited.header("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(fake.received()).hasSize(3);
        Money usedBefore = settledConsumer(c.id()).used();
        // rows settled in the same millisecond have no order between them: find the refused one, not the newest
        assertThat(log(c.id())).hasSize(4).filteredOn(r -> r.errorCode().isPresent())
                .singleElement().satisfies(r -> assertThat(r.errorCode()).contains("rate_limited"));
        assertThat(router.get("/metrics", java.util.Map.of()).body()).contains("hpp_rate_limit_rejections_total 1.0");
        assertThat(settledConsumer(c.id()).used()).isEqualTo(usedBefore);

        router.admin("POST", "/admin/v1/consumers/" + c.id() + "/limits", "{\"requests_per_minute\":null}");
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).as("limit lifted at once").isEqualTo(200);
    }

    @Test
    void tokensPerMinuteCountsTheTokensRequestsActuallyUsed() throws Exception {
        TestRouter.Customer c = router.customer("100");
        router.admin("POST", "/admin/v1/consumers/" + c.id() + "/limits", "{\"tokens_per_minute\":100}");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 90, 30, 0)));
        awayFromAMinuteBoundary();
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        TestRouter.Reply second = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(second.status()).as("120 tokens used of 100").isEqualTo(429);
        assertThat(second.json().get("message").asText()).contains("100 tokens per minute");
    }

    @Test
    void badLimitsAreRefused() {
        TestRouter.Customer c = router.customer("100");
        assertThat(router.admin("POST", "/admin/v1/consumers/" + c.id() + "/limits", "{\"requests_per_minute\":0}").status()).isEqualTo(400);
        assertThat(router.admin("POST", "/admin/v1/consumers/" + c.id() + "/limits", "{\"tokens_per_minute\":\"many\"}").status())
                .isEqualTo(400);
    }
}
