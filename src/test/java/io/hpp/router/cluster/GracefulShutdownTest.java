package io.hpp.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.billing.Money;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.File;
import java.net.ServerSocket;
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
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = dir.resolve("node.log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.hpp.router.Main", "serve")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(Map.of("HPP_ROUTER_DB_URL", db, "HPP_ROUTER_HOST", "127.0.0.1", "HPP_ROUTER_PORT", String.valueOf(port),
                    "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk", "HPP_ROUTER_DRAIN_TIMEOUT_MS", "20000",
                    "HPP_ROUTER_CONFIG", new File("does-not-exist.yaml").getAbsolutePath()));
            Process node = pb.start();
            HttpClient http = HttpClient.newHttpClient();
            try {
                waitUntilUp(http, port, node, log);
                List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    streams.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/llm/v1/chat/completions"))
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

    private static void waitUntilUp(HttpClient http, int port, Process p, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the node died at start-up: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the node did not start: " + Files.readString(log));
    }
}
