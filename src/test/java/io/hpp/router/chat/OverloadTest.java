package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Past its limit of requests in flight the router sheds load with 503 overloaded, and stays healthy. */
class OverloadTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        return Map.of("HPP_ROUTER_MAX_IN_FLIGHT", "2");
    }

    @Test
    void requestsPastTheLimitGet503OverloadedWithRetryAfterAndTheOthersFinish() throws Exception {
        TestRouter.Customer c = router.customer("10");
        for (int i = 0; i < 2; i++) {
            fake.enqueue(FakeProvider.delayed(1_000, FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "slow " + i, 1, 1, 0))));
        }
        CompletableFuture<TestRouter.Reply> a = CompletableFuture.supplyAsync(() -> chat(c.key(), body("openai/gpt-4o-mini", "")));
        CompletableFuture<TestRouter.Reply> b = CompletableFuture.supplyAsync(() -> chat(c.key(), body("openai/gpt-4o-mini", "")));
        long deadline = System.currentTimeMillis() + 5_000;
        while (fake.received().size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fake.received()).hasSize(2);

        TestRouter.Reply third = chat(c.key(), body("openai/gpt-4o-mini", ""));
        assertThat(third.status()).isEqualTo(503);
        JsonNode e = third.json();
        assertThat(e.get("error").asText()).isEqualTo("overloaded");
        assertThat(e.get("message").asText()).contains("limit of 2 requests");
        assertThat(third.header("Retry-After")).contains("1");
        assertThat(router.send("GET", "/healthz", null, Map.of()).status()).as("health checks are never shed").isEqualTo(200);
        assertThat(fake.received()).as("the shed request never reached the provider").hasSize(2);

        assertThat(a.get().status()).isEqualTo(200);
        assertThat(b.get().status()).isEqualTo(200);
        assertThat(chat(c.key(), body("openai/gpt-4o-mini", "")).status()).as("capacity is back once they finished").isNotEqualTo(503);
    }
}
