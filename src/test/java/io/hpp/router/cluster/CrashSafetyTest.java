package io.hpp.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.NodeProcess;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestPostgres;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A node killed while it holds quota, and a database that goes away: money is never lost or held forever. */
class CrashSafetyTest {

    @Test
    void holdsOfANodeKilledMidRequestAreReleasedAfterTheirExpiry() throws Exception {
        String db = TestPostgres.shared().newDatabase();
        try (FakeProvider fake = new FakeProvider();
             TestRouter survivor = TestRouter.start(Map.of("HPP_ROUTER_DB_URL", db, "HPP_ROUTER_SWEEP_INTERVAL_MS", "200"))) {
            fake.always(FakeProvider.delayed(20_000, FakeProvider.json(200, OpenAiWire.completion("gpt-5", "late", 1, 1, 0))));
            TestRouter.Customer c = survivor.customer("10");
            NodeProcess victimNode = NodeProcess.start(Map.of("HPP_ROUTER_DB_URL", db, "OPENAI_BASE_URL", fake.baseUrl() + "/v1",
                    "OPENAI_API_KEY", "sk", "HPP_ROUTER_RESERVATION_TTL_MS", "1500"));
            Process victim = victimNode.process();
            try {
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 5; i++) {
                    CompletableFuture<HttpResponse<String>> ignored = http.sendAsync(HttpRequest.newBuilder(
                                    URI.create(victimNode.baseUrl() + "/llm/v1/chat/completions")).header("apikey", c.key())
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-5\",\"max_tokens\":100,"
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
                }
                long deadline = System.currentTimeMillis() + 10_000;
                while (fake.received().size() < 5 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(fake.received()).as("all five reached the provider, holding quota").hasSize(5);
                assertThat(survivor.app().store().consumer(c.id()).orElseThrow().reserved().isPositive()).isTrue();
            } finally {
                victim.destroyForcibly().waitFor();
            }
            long deadline = System.currentTimeMillis() + 10_000;
            ConsumerRecord after = survivor.app().store().consumer(c.id()).orElseThrow();
            while (after.reserved().isPositive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                after = survivor.app().store().consumer(c.id()).orElseThrow();
            }
            assertThat(after.reserved()).as("released by the surviving node's sweeper").isEqualTo(Money.ZERO);
            assertThat(after.used()).isEqualTo(survivor.app().store().requestLog(c.id(), 100).stream()
                    .map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus));
        }
    }

    @Test
    void chatFailsClosedWhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
        try (TestPostgres pg = TestPostgres.startNew(); FakeProvider fake = new FakeProvider()) {
            fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 5, 2, 0)));
            try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_DB_URL", pg.newDatabase(), "OPENAI_BASE_URL",
                    fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk", "HPP_ROUTER_DB_CONNECT_TIMEOUT_MS", "1000"))) {
                TestRouter.Customer c = router.customer("5");
                String body = "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                Map<String, String> auth = Map.of("apikey", c.key());
                assertThat(router.send("POST", "/llm/v1/chat/completions", body, auth).status()).isEqualTo(200);
                int calls = fake.received().size();

                pg.stopServer();
                TestRouter.Reply down = router.send("POST", "/llm/v1/chat/completions", body, auth);
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.json().get("error").asText()).isEqualTo("quota_unavailable");
                assertThat(fake.received()).as("no provider call without a verified balance").hasSize(calls);

                pg.startServer();
                long deadline = System.currentTimeMillis() + 20_000;
                int status = 0;
                while (status != 200 && System.currentTimeMillis() < deadline) {
                    status = router.send("POST", "/llm/v1/chat/completions", body, auth).status();
                    Thread.sleep(200);
                }
                assertThat(status).as("recovered without a restart").isEqualTo(200);
                assertThat(router.app().flushRequestLog(20_000)).isTrue();
            }
        }
    }
}
