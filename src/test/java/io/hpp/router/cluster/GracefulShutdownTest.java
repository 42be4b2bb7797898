package io.hpp.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.NodeProcess;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGTERM to a router process with 20 streams open: they finish, and every row and charge lands. */
class GracefulShutdownTest {

    @Test
    void sigtermDrainsOpenStreamsAndLosesNoLogRowOrCharge() throws Exception {
        Path dir = Files.createTempDirectory("drain");
        String db = "jdbc:sqlite:" + dir.resolve("router.db");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            words.add("w" + i + " ");
        }
        try (FakeProvider fake = new FakeProvider()) {
            fake.always(fake.sse(100, OpenAiWire.textStream("gpt-4o-mini", words, 10, 15)));
            TestRouter.Customer c;
            try (TestRouter setup = TestRouter.start(Map.of("HPP_ROUTER_DB_URL", db))) {
                c = setup.customer("10");
            }
            NodeProcess started = NodeProcess.start(Map.of("HPP_ROUTER_DB_URL", db, "OPENAI_BASE_URL", fake.baseUrl() + "/v1",
                    "OPENAI_API_KEY", "sk", "HPP_ROUTER_DRAIN_TIMEOUT_MS", "20000"));
            Process node = started.process();
            HttpClient http = HttpClient.newHttpClient();
            try {
                List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    streams.add(http.sendAsync(HttpRequest.newBuilder(URI.create(started.baseUrl() + "/llm/v1/chat/completions"))
                            .header("apikey", c.key()).POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                            .build(), HttpResponse.BodyHandlers.ofString()));
                }
                long deadline = System.currentTimeMillis() + 10_000;
                while (fake.received().size() < 20 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(fake.received()).as("all 20 streams are open").hasSize(20);
                node.destroy();  // SIGTERM
                for (CompletableFuture<HttpResponse<String>> s : streams) {
                    HttpResponse<String> r = s.get(30, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).as("stream finished").contains("data: [DONE]");
                }
                assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("the node exits after draining").isTrue();
            } finally {
                node.destroyForcibly();
            }
            try (TestRouter check = TestRouter.start(Map.of("HPP_ROUTER_DB_URL", db))) {
                ConsumerRecord after = check.app().store().consumer(c.id()).orElseThrow();
                List<RequestLogEntry> rows = check.app().store().requestLog(c.id(), 100);
                assertThat(rows).as("no request-log row lost").hasSize(20);
                assertThat(rows).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
                // each stream: 10 × $0.15 + 15 × $0.6 per 1M = $0.0000105
                assertThat(after.used()).isEqualTo(Money.ofDollars("0.00021"));
                assertThat(after.reserved()).isEqualTo(Money.ZERO);
            }
        }
    }
}
