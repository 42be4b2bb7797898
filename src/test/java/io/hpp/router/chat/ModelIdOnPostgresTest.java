package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestPostgres;
import io.hpp.router.testing.TestRouter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** On PostgreSQL, which refuses a NUL in text: a model id holding one is refused before it can reach a log row. */
class ModelIdOnPostgresTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        return Map.of("HPP_ROUTER_DB_URL", TestPostgres.shared().newDatabase());
    }

    @Test
    void aModelIdWithANulIs400AndBillingGoesOn() {
        TestRouter.Customer c = router.customer("1");
        TestRouter.Reply refused = chat(c.key(), body("openai/gpt-5\\u0000", ""));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_request");

        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 20, 10, 0)));
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);

        assertThat(router.app().flushRequestLog(10_000)).as("both requests settled").isTrue();
        ConsumerRecord after = router.app().store().consumer(c.id()).orElseThrow();
        assertThat(after.requests()).isEqualTo(2);
        // 20 input × $1.25 + 10 output × $10, per 1M tokens
        assertThat(after.used()).isEqualTo(io.hpp.router.value.Money.ofDollars("0.000125"));
        assertLedgerBalanced(c.id());
    }
}
