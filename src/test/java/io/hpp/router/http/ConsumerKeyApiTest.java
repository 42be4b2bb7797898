package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Customer;
import io.hpp.router.testing.TestRouter.Reply;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a key sees of itself: the models it may use, its own settings and spend, its share of usage, its route preview. */
class ConsumerKeyApiTest {
    private FakeProvider fake;
    private TestRouter router;

    @BeforeEach
    void start() {
        fake = new FakeProvider();
        router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-test-upstream",
                "HPP_ROUTER_RETRIES", "0"));
    }

    @AfterEach
    void stop() {
        router.close();
        fake.close();
    }

    private String keyFor(Customer c, String settings) {
        Reply r = router.admin("POST", "/admin/v1/consumers/" + c.id() + "/keys", settings);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("key").asText();
    }

    private Reply chat(String key, String model) {
        return router.send("POST", "/llm/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("Authorization", "Bearer " + key));
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(m -> ids.add(m.get("id").asText()));
        return ids;
    }

    @Test
    void modelListShowsOnlyWhatTheKeyMayUse() {
        Customer c = router.customer("5");
        String openaiOnly = keyFor(c, "{\"allowed_models\":[\"openai/*\"]}");
        List<String> listed = ids(router.get("/llm/v1/models", Map.of("apikey", openaiOnly)).json());
        assertThat(listed).contains("openai/gpt-5", "openai/gpt-4o-mini").allMatch(id -> id.startsWith("openai/"));
        assertThat(listed).doesNotContain("hpprouter/auto", "anthropic/claude-sonnet-4", "gpt-image-1");

        String autoAndOne = keyFor(c, "{\"allowed_models\":[\"hpprouter/auto\",\"openai/gpt-5\"]}");
        assertThat(ids(router.get("/llm/v1/models", Map.of("apikey", autoAndOne)).json())).containsExactly("hpprouter/auto", "openai/gpt-5");

        List<String> all = ids(router.get("/llm/v1/models", Map.of("apikey", c.key())).json());
        assertThat(all).contains("hpprouter/auto", "anthropic/claude-sonnet-4", "openai/gpt-5");
    }

    @Test
    void aKeyReadsItsOwnSettingsAndBudgetLeftAfterARequest() {
        Customer c = router.customer("5");
        String key = keyFor(c, """
                {"name":"agent","budget":1,"budget_period":"weekly","allowed_models":["openai/*"],"requests_per_minute":100,
                 "tokens_per_minute":100000,"metadata":{"owner":"ci"}}""");
        JsonNode fresh = router.get("/api/key", Map.of("apikey", key)).json();
        assertThat(fresh.get("remaining_budget").decimalValue()).isEqualByComparingTo("1");
        assertThat(fresh.get("spent_this_period").decimalValue()).isZero();

        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 1000, 200, 0)));
        assertThat(chat(key, "openai/gpt-5").status()).isEqualTo(200);
        assertThat(fake.last().json().get("model").asText()).isEqualTo("gpt-5");
        assertThat(router.app().flushRequestLog(5000)).isTrue();

        Reply own = router.get("/api/key", Map.of("Authorization", "Bearer " + key));
        assertThat(own.status()).isEqualTo(200);
        JsonNode k = own.json();
        // 1000 × $1.25/M + 200 × $10/M
        assertThat(k.get("spent_this_period").decimalValue()).isEqualByComparingTo("0.00325");
        assertThat(k.get("remaining_budget").decimalValue()).isEqualByComparingTo("0.99675");
        assertThat(k.get("total_spend").decimalValue()).isEqualByComparingTo("0.00325");
        assertThat(k.get("requests").asLong()).isEqualTo(1);
        assertThat(k.get("total_tokens").asLong()).isEqualTo(1200);
        assertThat(k.get("reserved").decimalValue()).isZero();
        assertThat(k.get("budget_period").asText()).isEqualTo("weekly");
        assertThat(k.get("period_resets_at").asText()).endsWith("T00:00:00Z");
        assertThat(k.get("requests_per_minute").asLong()).isEqualTo(100);
        assertThat(k.get("tokens_per_minute").asLong()).isEqualTo(100000);
        assertThat(k.get("allowed_models").toString()).isEqualTo("[\"openai/*\"]");
        assertThat(k.get("last_used_at").isNull()).isFalse();
        assertThat(io.hpp.router.testing.OpenApi.errors("KeyResponse", k)).isEmpty();
        assertThat(own.body()).doesNotContain(key.substring(key.indexOf('.') + 1));

        Reply refused = chat(key, "anthropic/claude-sonnet-4");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(fake.received()).hasSize(1);

        String unbudgeted = router.get("/api/key", Map.of("apikey", c.key())).body();
        assertThat(unbudgeted).contains("\"remaining_budget\":null");
        assertThat(router.get("/api/key", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void usageBreaksTheConsumersTotalsDownByKey() {
        Customer c = router.customer("5");
        String second = keyFor(c, "{\"name\":\"second\",\"budget\":2,\"budget_period\":\"daily\"}");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "ok", 500, 100, 0)));
        for (String key : List.of(c.key(), second, second)) {
            assertThat(chat(key, "openai/gpt-4o-mini").status()).isEqualTo(200);
        }
        assertThat(fake.received()).hasSize(3);
        assertThat(router.app().flushRequestLog(5000)).isTrue();

        JsonNode usage = router.get("/api/usage", Map.of("apikey", second)).json();
        assertThat(io.hpp.router.testing.OpenApi.errors("UsageResponse", usage)).isEmpty();
        JsonNode keys = usage.get("keys");
        assertThat(keys).hasSize(2);
        BigDecimal spend = BigDecimal.ZERO;
        long requests = 0;
        long tokens = 0;
        for (JsonNode k : keys) {
            spend = spend.add(k.get("spend").decimalValue());
            requests += k.get("requests").asLong();
            tokens += k.get("total_tokens").asLong();
        }
        assertThat(usage.get("requests").asLong()).isEqualTo(3).isEqualTo(requests);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(1800).isEqualTo(tokens);
        assertThat(spend).isEqualByComparingTo(usage.get("used").decimalValue());
        assertThat(usage.get("used").decimalValue()).isPositive();
        JsonNode secondLine = keys.get(1);
        assertThat(secondLine.get("name").asText()).isEqualTo("second");
        assertThat(secondLine.get("requests").asLong()).isEqualTo(2);
        assertThat(secondLine.get("spent_this_period").decimalValue()).isEqualByComparingTo(secondLine.get("spend").decimalValue());
    }

    @Test
    void routePreviewAnswersForTheCallingKey() {
        Customer c = router.customer("5");
        String toolRequest = "{\"model\":\"hpprouter/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}";
        JsonNode open = router.send("POST", "/api/route-preview", toolRequest, Map.of("apikey", c.key())).json();
        assertThat(open.get("resolved_model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(open.has("rerouted_from")).isFalse();

        String narrow = keyFor(c, "{\"allowed_models\":[\"hpprouter/auto\",\"openai/gpt-5\"]}");
        Reply r = router.send("POST", "/api/route-preview", toolRequest, Map.of("apikey", narrow));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("resolved_model").asText()).isEqualTo("openai/gpt-5");
        assertThat(r.json().get("rerouted_from").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(io.hpp.router.testing.OpenApi.errors("RoutePreviewResponse", r.json())).isEmpty();

        String noAuto = keyFor(c, "{\"allowed_models\":[\"openai/*\"]}");
        Reply refused = router.send("POST", "/api/route-preview", toolRequest, Map.of("apikey", noAuto));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("model_not_allowed");
        assertThat(fake.received()).isEmpty();
    }
}
