package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Customer;
import io.hpp.router.testing.TestRouter.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsumerApiTest {
    private static final String UNAUTHORIZED = "{\"error\":\"unauthorized\",\"message\":\"Invalid API key\"}";
    private static TestRouter router;

    @BeforeAll
    static void start() {
        router = TestRouter.start(Map.of("HPP_ROUTER_QUOTA_CACHE_TTL_MS", "60000"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void bothAuthSchemesIdentifyTheConsumer() {
        Customer c = router.customer("5");
        Reply viaApikey = router.get("/api/usage", Map.of("apikey", c.key()));
        Reply viaBearer = router.get("/api/usage", Map.of("Authorization", "Bearer " + c.key()));
        assertThat(viaApikey.status()).isEqualTo(200);
        assertThat(viaBearer.status()).isEqualTo(200);
        assertThat(viaApikey.json().get("consumer_id").asText()).isEqualTo(c.id());
        assertThat(viaBearer.json().get("consumer_id").asText()).isEqualTo(c.id());
    }

    @Test
    void missingUnknownMalformedAndRevokedKeysGetTheExact401Body() {
        Customer c = router.customer("5");
        String wrongSecret = c.key().substring(0, c.key().length() - 4) + "AAAA";
        assertThat(router.admin("DELETE", "/admin/v1/keys/" + c.keyId(), null).status()).isEqualTo(200);
        for (Map<String, String> headers : new Map[] {
                Map.of(), Map.of("apikey", "nonsense"), Map.of("Authorization", "Bearer hpp_unknown.secret"),
                Map.of("apikey", wrongSecret), Map.of("apikey", c.key()), Map.of("Authorization", "Bearer " + c.key()),
                Map.of("Authorization", "Basic " + c.key())}) {
            Reply r = router.get("/api/quota-check", headers);
            assertThat(r.status()).as("headers %s", headers.keySet()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(UNAUTHORIZED);
        }
    }

    @Test
    void revocationTakesEffectImmediately() {
        Customer c = router.customer("5");
        assertThat(router.get("/llm/v1/models", Map.of("apikey", c.key())).status()).isEqualTo(200);
        router.admin("DELETE", "/admin/v1/keys/" + c.keyId(), null);
        assertThat(router.get("/llm/v1/models", Map.of("apikey", c.key())).status()).isEqualTo(401);
    }

    @Test
    void modelListCarriesPricingAndTheAutoModelAndMatchesTheContract() {
        Customer c = router.customer("1");
        Reply r = router.get("/llm/v1/models", Map.of("Authorization", "Bearer " + c.key()));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(OpenApi.errors("ModelListResponse", body)).isEmpty();
        assertThat(body.get("object").asText()).isEqualTo("list");
        JsonNode auto = find(body, "hpprouter/auto");
        assertThat(auto.get("owned_by").asText()).isEqualTo("hpprouter");
        assertThat(auto.get("pricing").isNull()).isTrue();
        JsonNode gpt5 = find(body, "openai/gpt-5");
        assertThat(gpt5.get("owned_by").asText()).isEqualTo("openai");
        assertThat(gpt5.at("/pricing/input").decimalValue()).isEqualByComparingTo("1.25");
        assertThat(gpt5.at("/pricing/output").decimalValue()).isEqualByComparingTo("10");
        assertThat(find(body, "gpt-image-1").at("/pricing/input").decimalValue()).isEqualByComparingTo("10");
        assertThat(find(body, "gpt-image-1").at("/pricing/output").decimalValue()).isEqualByComparingTo("40");
        JsonNode ollama = find(body, "ollama/gpt-oss:120b");
        assertThat(ollama.at("/pricing/input").decimalValue()).isZero();
        assertThat(ollama.at("/pricing/output").decimalValue()).isZero();
        for (String id : new String[] {"openai/gpt-5-mini", "openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4",
                "moonshotai/kimi-k2.6", "ollama/solidity-master:2"}) {
            assertThat(find(body, id).get("pricing").isObject()).as(id).isTrue();
        }
    }

    @Test
    void usageAndQuotaCheckFollowAdminQuotaChanges() {
        Customer c = router.customer("10");
        Map<String, String> auth = Map.of("apikey", c.key());
        JsonNode usage = router.get("/api/usage", auth).json();
        assertThat(OpenApi.errors("UsageResponse", usage)).isEmpty();
        assertThat(usage.get("quota").decimalValue()).isEqualByComparingTo("10");
        assertThat(usage.get("used").decimalValue()).isZero();
        assertThat(usage.get("remaining").decimalValue()).isEqualByComparingTo("10");
        assertThat(usage.get("requests").asLong()).isZero();
        assertThat(usage.get("username").asText()).isEqualTo("u");
        assertThat(usage.get("custom_id").isNull()).isTrue();

        JsonNode check = router.get("/api/quota-check", auth).json();
        assertThat(OpenApi.errors("QuotaCheckResponse", check)).isEmpty();
        assertThat(check.get("has_quota").asBoolean()).isTrue();
        assertThat(check.get("remaining").decimalValue()).isEqualByComparingTo("10");

        router.admin("POST", "/admin/v1/consumers/" + c.id() + "/quota", "{\"add\":2.125}");
        assertThat(router.get("/api/quota-check", auth).json().get("quota").decimalValue()).isEqualByComparingTo("12.125");
        assertThat(router.get("/api/usage", auth).json().get("remaining").decimalValue()).isEqualByComparingTo("12.125");

        router.admin("POST", "/admin/v1/consumers/" + c.id() + "/quota", "{\"set\":0}");
        JsonNode empty = router.get("/api/quota-check", auth).json();
        assertThat(empty.get("has_quota").asBoolean()).isFalse();
        assertThat(empty.get("remaining").decimalValue()).isZero();
    }

    @Test
    void quotaCheckIsServedFromCacheUntilAnAdminChangeInvalidatesIt() {
        Customer c = router.customer("3");
        Map<String, String> auth = Map.of("apikey", c.key());
        assertThat(router.get("/api/quota-check", auth).json().get("quota").decimalValue()).isEqualByComparingTo("3");
        // A change that bypasses the admin API (as another process would) is not seen while the entry is fresh ...
        router.app().store().setQuota(c.id(), io.hpp.router.value.Money.ofDollars("7"));
        assertThat(router.get("/api/quota-check", auth).json().get("quota").decimalValue()).isEqualByComparingTo("3");
        // ... and /api/usage, which reads the store, already sees it.
        assertThat(router.get("/api/usage", auth).json().get("quota").decimalValue()).isEqualByComparingTo("7");
        // An admin change invalidates the cached entry at once.
        router.admin("POST", "/admin/v1/consumers/" + c.id() + "/quota", "{\"add\":1}");
        assertThat(router.get("/api/quota-check", auth).json().get("quota").decimalValue()).isEqualByComparingTo("8");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405InTheEnvelope() {
        Customer c = router.customer("1");
        Reply notFound = router.get("/llm/v1/nothing-here", Map.of("apikey", c.key()));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().get("error").asText()).isEqualTo("not_found");
        assertThat(OpenApi.errors("ErrorEnvelope", notFound.json())).isEmpty();

        Reply wrongMethod = router.send("DELETE", "/llm/v1/models", null, Map.of("apikey", c.key()));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("error").asText()).isEqualTo("method_not_allowed");
        assertThat(wrongMethod.header("Allow")).contains("GET");
    }

    @Test
    void oversizedBodyIs413InTheEnvelope() {
        try (TestRouter small = TestRouter.start(Map.of("HPP_ROUTER_MAX_BODY_BYTES", "4096"))) {
            Reply r = small.admin("POST", "/admin/v1/consumers", "{\"username\":\"" + "x".repeat(10_000) + "\"}");
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().get("error").asText()).isEqualTo("payload_too_large");
        }
    }

    @Test
    void corsExposesTheRoutingHeadersAndAnswersPreflight() {
        Reply preflight = router.send("OPTIONS", "/llm/v1/chat/completions", null,
                Map.of("Origin", "http://example.test", "Access-Control-Request-Method", "POST"));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Headers").orElseThrow()).contains("apikey");
        Reply r = router.get("/llm/v1/models", Map.of("Origin", "http://example.test"));
        assertThat(r.header("Access-Control-Expose-Headers").orElseThrow()).contains("X-HPP-Router-Resolved-Model", "X-HPP-Router-Tier");
    }

    @Test
    void servesItsOwnOpenApiDocument() {
        Reply r = router.get("/openapi.yaml", Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("operationId: createChatCompletion", "operationId: checkQuota");
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode m : list.get("data")) {
            if (m.get("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("model " + id + " not listed in " + list);
    }
}
