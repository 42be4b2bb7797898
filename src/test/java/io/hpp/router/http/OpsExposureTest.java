package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the router tells whom: /metrics can require a token or live on its own port, and so can the admin API. */
class OpsExposureTest {
    private static final HttpClient HTTP = RawClient.httpFrom("127.0.0.1");

    @Test
    void metricsNeedTheirTokenWhenOneIsConfigured() {
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_METRICS_TOKEN", "metrics-token-0123456789"))) {
            TestRouter.Reply none = router.get("/metrics", Map.of());
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.body()).isEqualTo("{\"error\":\"unauthorized\",\"message\":\"Invalid metrics token\"}");
            assertThat(router.get("/metrics", Map.of("Authorization", "Bearer wrong-token-0123456789")).status()).isEqualTo(401);
            TestRouter.Reply scraped = router.get("/metrics", Map.of("Authorization", "Bearer metrics-token-0123456789"));
            assertThat(scraped.status()).isEqualTo(200);
            assertThat(scraped.body()).contains("hpp_requests_total");
            assertThat(router.get("/healthz", Map.of()).status()).as("health stays open for load balancers").isEqualTo(200);
        }
    }

    @Test
    void consumerIdsBecomeMetricLabelsOnlyWhenEnabled() {
        for (boolean enabled : new boolean[] {false, true}) {
            try (FakeProvider fake = new FakeProvider();
                 TestRouter router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-up",
                         "HPP_ROUTER_METRICS_CONSUMER_LABELS", String.valueOf(enabled)))) {
                TestRouter.Customer c = router.customer("5");
                fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 1000, 200, 0)));
                assertThat(router.send("POST", "/llm/v1/chat/completions", "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        Map.of("apikey", c.key())).status()).isEqualTo(200);
                assertThat(router.app().flushRequestLog(10_000)).isTrue();
                String scrape = router.get("/metrics", Map.of()).body();
                if (enabled) {
                    assertThat(scrape).contains("hpp_consumer_cost_usd_total{consumer=\"" + c.id() + "\"}");
                } else {
                    assertThat(scrape).doesNotContain(c.id()).contains("hpp_consumer_cost_usd_total{consumer=\"all\"}");
                }
            }
        }
    }

    @Test
    void theAdminApiAndMetricsCanHaveTheirOwnListeners() {
        int admin = freePort();
        int metrics = freePort();
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_ADMIN_PORT", String.valueOf(admin),
                "HPP_ROUTER_METRICS_PORT", String.valueOf(metrics), "HPP_ROUTER_INTERNAL_HOST", "127.0.0.1"))) {
            Map<String, String> token = Map.of("Authorization", "Bearer " + TestRouter.ADMIN_TOKEN);
            assertThat(router.get("/admin/v1/models", token).status()).as("not on the public listener").isEqualTo(404);
            assertThat(router.get("/metrics", Map.of()).status()).as("not on the public listener").isEqualTo(404);
            assertThat(router.get("/healthz", Map.of()).status()).isEqualTo(200);

            String adminUrl = "http://127.0.0.1:" + admin;
            assertThat(RawClient.send(HTTP, "GET", adminUrl + "/admin/v1/models", null, token).statusCode()).isEqualTo(200);
            assertThat(RawClient.send(HTTP, "GET", adminUrl + "/llm/v1/models", null, Map.of()).statusCode())
                    .as("the admin listener serves the admin API only").isEqualTo(404);
            String metricsUrl = "http://127.0.0.1:" + metrics;
            assertThat(RawClient.send(HTTP, "GET", metricsUrl + "/metrics", null, Map.of()).body()).contains("hpp_requests_total");
            assertThat(RawClient.send(HTTP, "GET", metricsUrl + "/admin/v1/models", null, token).statusCode()).isEqualTo(404);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
