package io.hpp.router.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestPostgres;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 24, finding 1 through a whole router: one request whose log row the database refuses stops no billing. */
class HostileSettlementThroughRouterTest {
    private static final String CHAT = "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aModelIdWithANulByteStopsNoBillingOnPostgres() {
        try (FakeProvider fake = new FakeProvider();
             TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_DB_URL", TestPostgres.shared().newDatabase(),
                     "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk"))) {
            fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 10, 5, 0)));
            TestRouter.Customer attacker = router.customer("5");
            TestRouter.Customer other = router.customer("1000");
            String hostile = "{\"model\":\"openai/gpt-5\\u0000x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            int refused = router.send("POST", "/llm/v1/chat/completions", hostile, Map.of("apikey", attacker.key())).status();
            assertThat(refused).isEqualTo(400);
            for (int i = 0; i < 20; i++) {
                assertThat(router.send("POST", "/llm/v1/chat/completions", CHAT, Map.of("apikey", other.key())).status()).isEqualTo(200);
            }
            assertThat(router.app().flushRequestLog(20_000)).as("every request settled").isTrue();
            ConsumerRecord o = router.app().store().consumer(other.id()).orElseThrow();
            List<RequestLogEntry> rows = router.app().store().requestLog(other.id(), 100);
            assertThat(rows).hasSize(20);
            assertThat(o.used()).isEqualTo(rows.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus));
            assertThat(o.used().isPositive()).isTrue();
            assertThat(o.reserved()).isEqualTo(Money.ZERO);
            assertThat(router.app().store().consumer(attacker.id()).orElseThrow().reserved()).isEqualTo(Money.ZERO);
            assertThat(router.get("/readyz", Map.of()).json().at("/checks/settlements").asText()).isEqualTo("ok");
        }
    }

    @Test
    void readinessReportsSettlementsSetAsideWithoutTurningNotReady() throws Exception {
        Path file = Files.createTempDirectory("set-aside").resolve("left.jsonl");
        Files.writeString(file, "{\"reason\":\"a\",\"settlement\":{}}\n{\"reason\":\"b\",\"settlement\":{}}\n");
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_SET_ASIDE_FILE", file.toString(), "OLLAMA_BASE_URL",
                "http://127.0.0.1:9"))) {
            TestRouter.Reply ready = router.get("/readyz", Map.of());
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().at("/checks/settlements").asText()).isEqualTo("2 set aside (see settlements.set_aside_file)");
        }
    }
}
