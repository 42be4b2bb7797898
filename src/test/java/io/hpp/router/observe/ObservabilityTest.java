package io.hpp.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObservabilityTest {
    private FakeProvider fake;
    private TestRouter router;

    @BeforeEach
    void start() {
        fake = new FakeProvider();
        router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-obs",
                "ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant"));
    }

    @AfterEach
    void stop() {
        router.close();
        fake.close();
    }

    private TestRouter.Reply chat(String key, String model, String extra, Map<String, String> headers) {
        java.util.HashMap<String, String> h = new java.util.HashMap<>(headers);
        h.put("apikey", key);
        return router.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about consensus in distributed systems\"}]"
                        + extra + "}", h);
    }

    /** The value of one sample of the scrape, 0 when absent. */
    private static double sample(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                boolean all = true;
                for (String l : labels) {
                    all &= line.contains(l);
                }
                if (all) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return 0;
    }

    @Test
    void metricsMoveByExactlyWhatTheTrafficDid() {
        TestRouter.Customer rich = router.customer("5");
        TestRouter.Customer broke = router.customer("0");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 1000, 200, 0)));
        assertThat(chat(rich.key(), "openai/gpt-5", "", Map.of()).status()).isEqualTo(200);
        assertThat(chat(rich.key(), "openai/gpt-5", "", Map.of()).status()).isEqualTo(200);
        fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-4o-mini", List.of("a", "b"), 10, 2)));
        assertThat(chat(rich.key(), "hpprouter/auto", ",\"stream\":true", Map.of()).status()).isEqualTo(200);
        assertThat(chat(broke.key(), "openai/gpt-5", "", Map.of()).status()).isEqualTo(429);
        assertThat(router.get("/api/usage", Map.of("apikey", rich.key())).status()).isEqualTo(200);
        assertThat(router.app().flushRequestLog(10_000)).isTrue();

        TestRouter.Reply r = router.get("/metrics", Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type").orElseThrow()).startsWith("text/plain");
        String m = r.body();
        assertThat(sample(m, "hpp_requests_total", "endpoint=\"chat\"", "model=\"openai/gpt-5\"", "provider=\"openai\"", "status=\"200\""))
                .isEqualTo(2);
        assertThat(sample(m, "hpp_requests_total", "endpoint=\"chat\"", "status=\"429\"")).isEqualTo(1);
        assertThat(sample(m, "hpp_requests_total", "endpoint=\"usage\"", "status=\"200\"")).isEqualTo(1);
        assertThat(sample(m, "hpp_tokens_total", "model=\"openai/gpt-5\"", "kind=\"input\"")).isEqualTo(2000);
        assertThat(sample(m, "hpp_tokens_total", "model=\"openai/gpt-5\"", "kind=\"output\"")).isEqualTo(400);
        // 2 × (1,000 × $1.25 + 200 × $10) per 1M = $0.0065
        assertThat(sample(m, "hpp_cost_usd_total", "model=\"openai/gpt-5\"")).isCloseTo(0.0065, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(sample(m, "hpp_consumer_cost_usd_total", "consumer=\"all\"")).as("consumer ids are labels only when enabled")
                .isGreaterThan(0.0065);
        assertThat(sample(m, "hpp_quota_rejections_total")).isEqualTo(1);
        assertThat(sample(m, "hpp_routing_decisions_total", "basket=\"streaming\"", "rule=\"stream-fallback\"", "version=\"1\""))
                .isEqualTo(1);
        assertThat(sample(m, "hpp_time_to_first_token_seconds_count", "provider=\"openai\"")).isEqualTo(1);
        assertThat(sample(m, "hpp_added_latency_seconds_count", "endpoint=\"chat\"")).isEqualTo(4);
        assertThat(sample(m, "hpp_upstream_latency_seconds_count", "provider=\"openai\"")).isEqualTo(3);
        assertThat(sample(m, "hpp_request_log_write_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(m).contains("hpp_request_log_queue_depth", "jvm_memory_used_bytes", "process_uptime_seconds");
    }

    @Test
    void readinessFollowsTheDatabaseWhileHealthOnlySaysTheProcessIsAlive() {
        TestRouter.Reply ready = router.get("/readyz", Map.of());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().at("/checks/providers").toString()).contains("openai", "anthropic", "ollama");
        router.app().store().close();
        TestRouter.Reply notReady = router.get("/readyz", Map.of());
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.json().at("/checks/database").asText()).isEqualTo("unreachable");
        assertThat(router.get("/healthz", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void everyAnswerCarriesARequestIdThatItsConsumerAloneCanAudit() {
        TestRouter.Customer owner = router.customer("5");
        TestRouter.Customer stranger = router.customer("5");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 30, 7, 10)));

        TestRouter.Reply mine = chat(owner.key(), "openai/gpt-5", "", Map.of("X-Request-Id", "client-trace.42"));
        assertThat(mine.header("X-Request-Id")).contains("client-trace.42");
        TestRouter.Reply generated = chat(owner.key(), "openai/gpt-5", "", Map.of("X-Request-Id", "bad id with spaces"));
        String id = generated.header("X-Request-Id").orElseThrow();
        assertThat(id).startsWith("req_").hasSize(28);
        assertThat(router.get("/llm/v1/models", Map.of("apikey", owner.key())).header("X-Request-Id")).isPresent();
        assertThat(router.app().flushRequestLog(10_000)).isTrue();

        TestRouter.Reply audit = router.get("/api/requests/client-trace.42", Map.of("apikey", owner.key()));
        assertThat(audit.status()).isEqualTo(200);
        JsonNode a = audit.json();
        assertThat(io.hpp.router.testing.OpenApi.errors("RequestAudit", a)).isEmpty();
        assertThat(a.get("id").asText()).isEqualTo("client-trace.42");
        assertThat(a.get("resolved_model").asText()).isEqualTo("openai/gpt-5");
        assertThat(a.at("/tokens/prompt").asInt()).isEqualTo(30);
        assertThat(a.at("/tokens/cache_read").asInt()).isEqualTo(10);
        // 20 × $1.25 + 10 × $0.125 + 7 × $10, per 1M
        assertThat(a.get("cost").decimalValue()).isEqualByComparingTo("0.00009625");
        assertThat(a.at("/timings_ms/total").asLong()).isGreaterThanOrEqualTo(a.at("/timings_ms/upstream").asLong());
        assertThat(router.get("/api/requests/" + id, Map.of("apikey", owner.key())).status()).isEqualTo(200);
        assertThat(router.get("/api/requests/client-trace.42", Map.of("apikey", stranger.key())).status()).isEqualTo(404);
        assertThat(router.get("/api/requests/client-trace.42", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void operatorsPageThroughTheLogNewestFirst() {
        TestRouter.Customer c = router.customer("5");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 3, 1, 0)));
        for (int i = 0; i < 5; i++) {
            chat(c.key(), "openai/gpt-5", "", Map.of("X-Request-Id", "r" + i));
        }
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        JsonNode p1 = router.admin("GET", "/admin/v1/requests?consumer_id=" + c.id() + "&limit=3", null).json();
        assertThat(p1.get("data")).hasSize(3);
        assertThat(p1.at("/data/0/id").asText()).isEqualTo("r4");
        JsonNode p2 = router.admin("GET", "/admin/v1/requests?consumer_id=" + c.id() + "&limit=3&cursor=" + p1.get("next_cursor").asText(),
                null).json();
        assertThat(p2.get("data")).hasSize(2);
        assertThat(p2.at("/data/1/id").asText()).isEqualTo("r0");
        assertThat(p2.get("next_cursor").isNull()).isTrue();
        assertThat(router.admin("GET", "/admin/v1/requests?limit=0", null).status()).isEqualTo(400);
        assertThat(router.admin("GET", "/admin/v1/requests?since=yesterday", null).status()).isEqualTo(400);
        assertThat(router.send("GET", "/admin/v1/requests", null, Map.of("apikey", c.key())).status()).isEqualTo(401);
    }

    @Test
    void usageShowsWhatSmartRoutingSavedAgainstTheTopTier() {
        TestRouter.Customer c = router.customer("5");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5-mini", "ok", 900, 10, 0)));
        String longPrompt = ",\"temperature\":0.5";
        TestRouter.Reply r = router.send("POST", "/llm/v1/chat/completions", "{\"model\":\"hpprouter/auto\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + "Explain the trade-offs of consensus protocols in depth. ".repeat(40) + "\"}]" + longPrompt + "}",
                Map.of("apikey", c.key()));
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("openai/gpt-5-mini");
        chat(c.key(), "openai/gpt-5", "", Map.of());
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        JsonNode usage = router.get("/api/usage", Map.of("apikey", c.key())).json();
        assertThat(io.hpp.router.testing.OpenApi.errors("UsageResponse", usage)).isEmpty();
        JsonNode savings = usage.get("routing_savings");
        assertThat(savings.get("auto_requests").asInt()).isEqualTo(1);
        // gpt-5-mini: 900 × $0.25 + 10 × $2 = $0.000245; top tier claude-sonnet-4: 900 × $3 + 10 × $15 = $0.00285 (per 1M)
        assertThat(savings.get("cost").decimalValue()).isEqualByComparingTo("0.000245");
        assertThat(savings.get("cost_at_top_tier").decimalValue()).isEqualByComparingTo("0.00285");
        assertThat(savings.get("saved").decimalValue()).isEqualByComparingTo("0.002605");
    }
}
