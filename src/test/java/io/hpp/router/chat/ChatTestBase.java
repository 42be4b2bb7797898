package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A router wired to one fake OpenAI-compatible upstream that serves openai/*, moonshotai/* and ollama/*. */
abstract class ChatTestBase {
    static final String UPSTREAM_KEY = "sk-test-upstream-key";
    FakeProvider fake;
    TestRouter router;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Map<String, String> extraEnv() {
        return Map.of();
    }

    @BeforeEach
    void startRouter() {
        fake = new FakeProvider();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", UPSTREAM_KEY,
                "MOONSHOT_BASE_URL", fake.baseUrl() + "/moonshot/v1", "MOONSHOT_API_KEY", "sk-moonshot",
                "OLLAMA_BASE_URL", fake.baseUrl(),
                "OPENAI_FIRST_BYTE_TIMEOUT_MS", "1500", "OPENAI_IDLE_TIMEOUT_MS", "1500",
                "HPP_ROUTER_RETRIES", "0"));
        env.putAll(extraEnv());
        router = TestRouter.start(env);
    }

    @AfterEach
    void stopRouter() {
        router.close();
        fake.close();
    }

    TestRouter.Reply chat(String key, String body) {
        return router.send("POST", "/llm/v1/chat/completions", body, Map.of("Authorization", "Bearer " + key));
    }

    /** Streams a chat request and returns the SSE data lines as received. */
    StreamReply stream(String key, String body) {
        return stream("/llm/v1/chat/completions", key, body);
    }

    /** Streams a request to {@code path} and returns the SSE data lines as received. */
    StreamReply stream(String path, String key, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            List<String> data = r.body().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
            return new StreamReply(r.statusCode(), r.headers().map(), data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record StreamReply(int status, Map<String, List<String>> headers, List<String> data) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().getFirst())
                    .findFirst().orElse(null);
        }
    }

    ConsumerRecord settledConsumer(String id) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        return router.app().store().consumer(id).orElseThrow();
    }

    List<RequestLogEntry> log(String consumerId) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        return router.app().store().requestLog(consumerId, 10_000);
    }

    /** The audit invariant: used equals the sum of logged costs, and nothing is held any more. */
    void assertLedgerBalanced(String consumerId) {
        ConsumerRecord c = settledConsumer(consumerId);
        Money logged = log(consumerId).stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
        assertThat(c.used()).isEqualTo(logged);
        assertThat(c.reserved()).isEqualTo(Money.ZERO);
    }

    static String body(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]" + extra + "}";
    }
}
