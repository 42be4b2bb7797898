package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.common.Json;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are counted as their bytes arrive, must keep arriving, and one consumer holds at most its share of
 * the bytes in flight, so that no key can keep the other consumers' requests out.
 */
class BodyLimitsTest {
    private final FakeProvider fake = new FakeProvider();
    private TestRouter router;

    private TestRouter start(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-up",
                "OPENAI_FIRST_BYTE_TIMEOUT_MS", "5000", "HPP_ROUTER_RETRIES", "0"));
        all.putAll(env);
        router = TestRouter.start(all);
        return router;
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        fake.close();
    }

    private static String chatBody(int padKib) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"user\":\"" + "x".repeat(padKib * 1024) + "\"}";
    }

    private TestRouter.Reply chat(String key, String body) {
        return router.send("POST", "/llm/v1/chat/completions", body, Map.of("Authorization", "Bearer " + key));
    }

    /** A chat request that announces {@code length} bytes of body and sends only {@code sent} of them. */
    private static String announcing(String key, long length, String sent) {
        return "POST /llm/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n" + sent;
    }

    private long bodyBytesHeld() {
        Matcher m = Pattern.compile("(?m)^hpp_request_body_bytes_held (\\S+)$").matcher(router.get("/metrics", Map.of()).body());
        assertThat(m.find()).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    private void awaitBodyBytesHeld(boolean positive) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while ((bodyBytesHeld() > 0) != positive && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(bodyBytesHeld() > 0).as("request body bytes held").isEqualTo(positive);
    }

    @Test
    void bodiesThatAnnounceMuchAndSendLittleHoldOnlyWhatArrivedSoOtherConsumersAreServed() throws Exception {
        // the report: 8 sockets announcing 16 MiB and sending one byte kept every other consumer's chats at 503
        start(Map.of("HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES", String.valueOf(4 << 20), "HPP_ROUTER_BODY_TIMEOUT_MS", "30000"));
        TestRouter.Customer attacker = router.customer("10");
        TestRouter.Customer other = router.customer("10");
        List<RawClient> trickling = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                trickling.add(new RawClient(RawClient.port(router.baseUrl()), "127.0.0.1").write(announcing(attacker.key(), 16L << 20, "{")));
            }
            awaitBodyBytesHeld(true);
            assertThat(bodyBytesHeld()).as("bytes held for 8 bodies that sent one byte each").isLessThanOrEqualTo(8 * 64 * 1024);
            fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "served", 1, 1, 0)));
            TestRouter.Reply served = chat(other.key(), chatBody(1));
            assertThat(served.status()).as(served.body()).isEqualTo(200);
        } finally {
            trickling.forEach(RawClient::close);
        }
        awaitBodyBytesHeld(false);
    }

    @Test
    void aBodyThatStopsArrivingGets408AtItsDeadlineAndItsBytesComeBack() throws Exception {
        start(Map.of("HPP_ROUTER_BODY_TIMEOUT_MS", "700"));
        TestRouter.Customer c = router.customer("10");
        try (RawClient stalled = new RawClient(RawClient.port(router.baseUrl()), "127.0.0.1")) {
            long t0 = System.nanoTime();
            String answer = stalled.write(announcing(c.key(), 1000, "{\"model\":")).readUntilClosed();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(answer).startsWith("HTTP/1.1 408");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(Json.MAPPER.readTree(body).get("error").asText()).isEqualTo("request_timeout");
            assertThat(Json.MAPPER.readTree(body).get("message").asText())
                    .isEqualTo("The request body stopped arriving (9 of 1000 bytes received); the router waits 700 ms plus 1 s per 4096 bytes");
            assertThat(ms).isBetween(500L, 3_000L);
        }
        awaitBodyBytesHeld(false);
        assertThat(fake.received()).as("nothing reached the provider").isEmpty();
        String scrape = router.get("/metrics", Map.of()).body();
        assertThat(scrape).contains("hpp_edge_events_total{reason=\"body_timeout\"} 1.0")
                .as("counted as a 408").containsPattern("hpp_requests_total\\{endpoint=\"chat\".*status=\"408\"\\} 1.0");
    }

    @Test
    void aBodyArrivingAboveTheMinimumRateIsReadPastTheFirstDeadline() throws Exception {
        start(Map.of("HPP_ROUTER_BODY_TIMEOUT_MS", "500", "HPP_ROUTER_BODY_MIN_RATE_BYTES", "1000"));
        TestRouter.Customer c = router.customer("10");
        String body = chatBody(3);
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "slow but steady", 1, 1, 0)));
        try (RawClient steady = new RawClient(RawClient.port(router.baseUrl()), "127.0.0.1")) {
            steady.write(announcing(c.key(), body.length(), ""));
            // 300 bytes every 150 ms (2,000 bytes/s) for about 1.6 s: past 500 ms, never below the rate
            for (int i = 0; i < body.length(); i += 300) {
                steady.write(body.substring(i, Math.min(body.length(), i + 300)));
                Thread.sleep(150);
            }
            assertThat(steady.readResponse()).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void oneConsumerHoldsAtMostItsShareOfTheBodyBudgetWhileOthersAreServed() throws Exception {
        start(Map.of("HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES", String.valueOf(200 * 1024),
                "HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES_PER_CONSUMER", String.valueOf(60 * 1024)));
        TestRouter.Customer greedy = router.customer("10");
        TestRouter.Customer other = router.customer("10");
        fake.enqueue(FakeProvider.delayed(1_000, FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "slow", 1, 1, 0))));
        CompletableFuture<TestRouter.Reply> holding = CompletableFuture.supplyAsync(() -> chat(greedy.key(), chatBody(50)));
        long deadline = System.currentTimeMillis() + 5_000;
        while (fake.received().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fake.received()).hasSize(1);

        TestRouter.Reply refused = chat(greedy.key(), chatBody(30));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("error").asText()).isEqualTo("rate_limited");
        assertThat(refused.json().get("message").asText())
                .isEqualTo("This consumer's requests hold their share of 60 KiB of request bodies in flight; retry shortly");
        assertThat(refused.header("Retry-After")).contains("1");
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "other", 1, 1, 0)));
        assertThat(chat(other.key(), chatBody(30)).status()).as("another consumer's body fits beside").isEqualTo(200);

        assertThat(holding.get().status()).isEqualTo(200);
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "alone", 1, 1, 0)));
        // the first body's share is released when its handler returns, which may be just after its client read the
        // answer: a client that follows Retry-After gets in
        TestRouter.Reply alone = chat(greedy.key(), chatBody(100));
        for (int i = 0; i < 20 && alone.status() == 429; i++) {
            Thread.sleep(100);
            alone = chat(greedy.key(), chatBody(100));
        }
        assertThat(alone.status()).as("one body larger than the share runs alone").isEqualTo(200);
        assertThat(fake.received()).hasSize(3);
    }
}
