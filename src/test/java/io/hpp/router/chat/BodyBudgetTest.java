package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Past its limit of request-body bytes in flight the router sheds load with 503 overloaded while reading the body, and
 * the bytes come back when the holding request ends.
 */
class BodyBudgetTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        // one consumer here: its share is the whole budget (BodyLimitsTest covers the share)
        return Map.of("HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES", "61440", "HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES_PER_CONSUMER", "61440");
    }

    /** A chat body of about {@code kib} KiB. */
    private static String bodyOf(int kib) {
        return body("openai/gpt-4o-mini", ",\"user\":\"" + "x".repeat(kib * 1024) + "\"");
    }

    @Test
    void aBodyPastTheBudgetGets503UntilTheHoldingRequestEnds() throws Exception {
        TestRouter.Customer c = router.customer("10");
        // held for 1 s: under the 1.5 s first-byte timeout of these tests (1.5 s itself raced it)
        fake.enqueue(FakeProvider.delayed(1_000, FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "slow", 1, 1, 0))));
        CompletableFuture<TestRouter.Reply> holding = CompletableFuture.supplyAsync(() -> chat(c.key(), bodyOf(40)));
        long deadline = System.currentTimeMillis() + 5_000;
        while (fake.received().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fake.received()).hasSize(1);

        TestRouter.Reply refused = chat(c.key(), bodyOf(30));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("error").asText()).isEqualTo("overloaded");
        assertThat(refused.json().get("message").asText()).isEqualTo("The router is holding its limit of 60 KiB of request bodies; retry shortly");
        assertThat(refused.header("Retry-After")).contains("1");
        assertThat(fake.received()).as("the refused request never reached the provider").hasSize(1);

        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "small", 1, 1, 0)));
        assertThat(chat(c.key(), bodyOf(1)).status()).as("a small body still fits beside the held 40 KiB").isEqualTo(200);

        assertThat(holding.get().status()).isEqualTo(200);
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "later", 1, 1, 0)));
        assertThat(chat(c.key(), bodyOf(30)).status()).as("the bytes are back once the holding request ended").isEqualTo(200);
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "big", 1, 1, 0)));
        assertThat(chat(c.key(), bodyOf(80)).status()).as("a body larger than the whole budget runs alone").isEqualTo(200);
        assertThat(router.get("/metrics", Map.of()).body())
                .as("the refusal is counted like any other request").containsPattern("hpp_requests_total\\{endpoint=\"chat\".*status=\"503\"\\} 1.0");
        assertLedgerBalanced(c.id());
    }
}
