package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Customer;
import io.hpp.router.testing.TestRouter.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin API's key controls: settings on create and change, listing with spend, rotation, consumer search, the audit. */
class AdminKeysTest {
    private static TestRouter router;

    @BeforeAll
    static void start() {
        router = TestRouter.start();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    private static Reply patch(String keyId, String body) {
        return router.admin("PATCH", "/admin/v1/keys/" + keyId, body);
    }

    private static int status(String key) {
        return router.get("/api/quota-check", Map.of("apikey", key)).status();
    }

    private static String message(Reply r) {
        assertThat(r.json().get("error").asText()).as(r.body()).isIn("invalid_request", "not_found", "conflict", "key_expired", "key_disabled");
        return r.json().get("message").asText();
    }

    @Test
    void createdKeyEchoesItsSettingsAndTheListShowsThemWithSpendButNeverTheSecret() {
        Customer c = router.customer("10");
        Reply created = router.admin("POST", "/admin/v1/consumers/" + c.id() + "/keys", """
                {"name":"agent-1","expires_at":"2030-01-31T23:59:59+01:00","budget":"2.5","budget_period":"daily",
                 "allowed_models":["openai/*","hpprouter/auto"],"requests_per_minute":30,"tokens_per_minute":5000,
                 "metadata":{"team":"search","cost_center":42}}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode k = created.json();
        assertThat(OpenApi.errors("KeyCreatedResponse", k)).isEmpty();
        String keyId = k.get("key_id").asText();
        assertThat(k.get("key").asText()).startsWith("hpp_" + keyId + ".");
        assertThat(k.get("name").asText()).isEqualTo("agent-1");
        assertThat(k.get("expires_at").asText()).isEqualTo("2030-01-31T22:59:59Z");
        assertThat(k.get("budget").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(k.get("budget_period").asText()).isEqualTo("daily");
        assertThat(k.get("allowed_models").toString()).isEqualTo("[\"openai/*\",\"hpprouter/auto\"]");
        assertThat(k.get("requests_per_minute").asLong()).isEqualTo(30);
        assertThat(k.get("tokens_per_minute").asLong()).isEqualTo(5000);
        assertThat(k.get("disabled").asBoolean()).isFalse();
        assertThat(k.at("/metadata/cost_center").asInt()).isEqualTo(42);
        assertThat(status(k.get("key").asText())).isEqualTo(200);

        Reply list = router.admin("GET", "/admin/v1/consumers/" + c.id() + "/keys", null);
        assertThat(list.status()).isEqualTo(200);
        JsonNode data = list.json().get("data");
        assertThat(data).hasSize(2);
        data.forEach(listedKey -> assertThat(OpenApi.errors("KeyResponse", listedKey)).isEmpty());
        JsonNode listed = data.get(1);
        assertThat(data.get(0).get("key_id").asText()).isEqualTo(c.keyId());
        assertThat(listed.get("key_id").asText()).isEqualTo(keyId);
        assertThat(listed.get("budget").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(listed.get("spent_this_period").decimalValue()).isZero();
        assertThat(listed.get("reserved").decimalValue()).isZero();
        assertThat(listed.get("remaining_budget").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(listed.get("period_resets_at").asText()).endsWith("T00:00:00Z");
        assertThat(listed.get("total_spend").decimalValue()).isZero();
        assertThat(listed.get("requests").asLong()).isZero();
        assertThat(listed.get("created_at").asText()).isNotBlank();
        assertThat(listed.get("revoked_at").isNull()).isTrue();
        assertThat(data.get(0).get("remaining_budget").isNull()).isTrue();
        String secret = k.get("key").asText().substring(k.get("key").asText().indexOf('.') + 1);
        assertThat(list.body()).doesNotContain(secret).doesNotContain(c.key().substring(c.key().indexOf('.') + 1))
                .doesNotContainIgnoringCase("hash").doesNotContainIgnoringCase("secret");

        assertThat(router.admin("GET", "/admin/v1/consumers/nobody/keys", null).status()).isEqualTo(404);
        assertThat(router.admin("POST", "/admin/v1/consumers/nobody/keys", "{}").status()).isEqualTo(404);
    }

    @Test
    void patchKeepsOmittedFieldsAndNullClearsOne() {
        Customer c = router.customer("10");
        JsonNode before = patch(c.keyId(), "{\"budget\":3,\"budget_period\":\"monthly\",\"requests_per_minute\":7,\"metadata\":{\"a\":1}}").json();
        assertThat(before.get("budget").decimalValue()).isEqualByComparingTo("3");
        assertThat(before.get("name").asText()).isEqualTo("test");

        Reply r = patch(c.keyId(), "{\"requests_per_minute\":null,\"allowed_models\":[\"openai/gpt-5\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode after = r.json();
        assertThat(after.get("requests_per_minute").isNull()).isTrue();
        assertThat(after.get("budget").decimalValue()).isEqualByComparingTo("3");
        assertThat(after.get("budget_period").asText()).isEqualTo("monthly");
        assertThat(after.get("allowed_models").toString()).isEqualTo("[\"openai/gpt-5\"]");
        assertThat(after.at("/metadata/a").asInt()).isEqualTo(1);
        assertThat(after.get("name").asText()).isEqualTo("test");

        JsonNode cleared = patch(c.keyId(), "{\"budget\":null,\"name\":null}").json();
        assertThat(cleared.get("budget").isNull()).isTrue();
        assertThat(cleared.get("budget_period").isNull()).as("the period goes with its budget").isTrue();
        assertThat(cleared.get("name").isNull()).isTrue();
        assertThat(cleared.get("allowed_models").toString()).isEqualTo("[\"openai/gpt-5\"]");

        JsonNode stored = router.admin("GET", "/admin/v1/consumers/" + c.id() + "/keys", null).json().at("/data/0");
        assertThat(stored.get("budget").isNull()).isTrue();
        assertThat(stored.get("allowed_models").toString()).isEqualTo("[\"openai/gpt-5\"]");
        assertThat(patch("nokey", "{\"disabled\":true}").status()).isEqualTo(404);
    }

    @Test
    void everyInvalidSettingIsA400NamingTheField() {
        Customer c = router.customer("10");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"expires_at\":\"tomorrow\"}", "expires_at");
        cases.put("{\"expires_at\":\"2030-01-01 10:00\"}", "RFC 3339");
        cases.put("{\"budget\":-1}", "'budget' must be >= 0");
        cases.put("{\"budget\":\"lots\"}", "'budget'");
        cases.put("{\"budget\":0.0000000001}", "'budget'");
        cases.put("{\"budget_period\":\"hourly\"}", "daily, weekly or monthly");
        cases.put("{\"budget_period\":\"daily\"}", "needs a 'budget'");
        cases.put("{\"allowed_models\":\"openai/*\"}", "'allowed_models' must be an array");
        cases.put("{\"allowed_models\":[\"\"]}", "non-empty strings");
        cases.put("{\"allowed_models\":[1]}", "'allowed_models'");
        cases.put("{\"allowed_models\":[\"" + "x".repeat(201) + "\"]}", "at most 200 characters");
        cases.put("{\"allowed_models\":" + manyModels(101) + "}", "at most 100");
        cases.put("{\"requests_per_minute\":0}", "'requests_per_minute' must be a whole number >= 1");
        cases.put("{\"tokens_per_minute\":1.5}", "'tokens_per_minute'");
        cases.put("{\"metadata\":[1,2]}", "'metadata' must be a JSON object");
        cases.put("{\"metadata\":{\"blob\":\"" + "y".repeat(17_000) + "\"}}", "16384 bytes");
        cases.put("{\"disabled\":\"yes\"}", "'disabled'");
        cases.put("{\"budgets\":5}", "Unknown field 'budgets'");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            Reply patched = patch(c.keyId(), e.getKey());
            assertThat(patched.status()).as(e.getKey()).isEqualTo(400);
            assertThat(patched.json().get("error").asText()).isEqualTo("invalid_request");
            assertThat(patched.json().get("message").asText()).as(e.getKey()).contains(e.getValue());
            Reply created = router.admin("POST", "/admin/v1/consumers/" + c.id() + "/keys", e.getKey());
            assertThat(created.status()).as("create " + e.getKey()).isEqualTo(400);
        }
        assertThat(router.admin("GET", "/admin/v1/consumers/" + c.id() + "/keys", null).json().get("data"))
                .as("no invalid create left a key behind").hasSize(1);
        JsonNode unchanged = router.admin("GET", "/admin/v1/consumers/" + c.id() + "/keys", null).json().at("/data/0");
        assertThat(unchanged.get("budget").isNull()).isTrue();
        assertThat(unchanged.get("allowed_models").isNull()).isTrue();
    }

    private static String manyModels(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("\"m" + i + "\"");
        }
        return "[" + String.join(",", ids) + "]";
    }

    @Test
    void rotationGivesANewSecretAndTheOldOneWorksOnlyForItsGracePeriod() throws InterruptedException {
        Customer c = router.customer("10");
        patch(c.keyId(), "{\"budget\":4,\"allowed_models\":[\"openai/*\"]}");
        Reply rotated = router.admin("POST", "/admin/v1/keys/" + c.keyId() + "/rotate", "{\"grace_seconds\":1}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        String fresh = rotated.json().get("key").asText();
        assertThat(rotated.json().get("key_id").asText()).isEqualTo(c.keyId());
        assertThat(fresh).startsWith("hpp_" + c.keyId() + ".").isNotEqualTo(c.key());
        assertThat(rotated.json().get("previous_valid_until").asText()).isNotBlank();
        assertThat(status(fresh)).isEqualTo(200);
        assertThat(status(c.key())).as("the old secret within its grace period").isEqualTo(200);
        JsonNode own = router.get("/api/key", Map.of("apikey", fresh)).json();
        assertThat(own.get("budget").decimalValue()).as("settings stay").isEqualByComparingTo("4");
        Thread.sleep(1300);
        assertThat(status(c.key())).as("the old secret after its grace period").isEqualTo(401);
        assertThat(status(fresh)).isEqualTo(200);

        Reply noGrace = router.admin("POST", "/admin/v1/keys/" + c.keyId() + "/rotate", null);
        assertThat(noGrace.status()).isEqualTo(201);
        assertThat(noGrace.json().has("previous_valid_until")).isFalse();
        assertThat(status(fresh)).as("without grace the old secret stops at once").isEqualTo(401);
        assertThat(status(noGrace.json().get("key").asText())).isEqualTo(200);

        assertThat(message(router.admin("POST", "/admin/v1/keys/" + c.keyId() + "/rotate", "{\"grace_seconds\":2592001}")))
                .contains("grace_seconds");
        assertThat(message(router.admin("POST", "/admin/v1/keys/" + c.keyId() + "/rotate", "{\"grace_seconds\":-1}")))
                .contains("grace_seconds");
        assertThat(message(router.admin("POST", "/admin/v1/keys/" + c.keyId() + "/rotate", "{\"grace\":5}")))
                .contains("Unknown field 'grace'");
        assertThat(router.admin("POST", "/admin/v1/keys/nokey/rotate", "{}").status()).isEqualTo(404);

        router.admin("DELETE", "/admin/v1/keys/" + c.keyId(), null);
        Reply revoked = router.admin("POST", "/admin/v1/keys/" + c.keyId() + "/rotate", "{}");
        assertThat(revoked.status()).isEqualTo(409);
        assertThat(message(revoked)).contains("revoked");
        assertThat(status(noGrace.json().get("key").asText())).isEqualTo(401);
    }

    @Test
    void expiredAndDisabledKeysAreRefusedWithTheReasonAndComeBackWhenCleared() {
        Customer c = router.customer("10");
        patch(c.keyId(), "{\"expires_at\":\"2020-01-01T00:00:00Z\"}");
        Reply expired = router.get("/api/quota-check", Map.of("apikey", c.key()));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("error").asText()).isEqualTo("key_expired");
        assertThat(expired.json().get("message").asText()).contains("expired");
        patch(c.keyId(), "{\"expires_at\":null}");
        assertThat(status(c.key())).isEqualTo(200);

        patch(c.keyId(), "{\"disabled\":true}");
        Reply disabled = router.get("/api/quota-check", Map.of("apikey", c.key()));
        assertThat(disabled.status()).isEqualTo(401);
        assertThat(disabled.json().get("message").asText()).contains("disabled");
        patch(c.keyId(), "{\"disabled\":false}");
        assertThat(status(c.key())).isEqualTo(200);
    }

    @Test
    void consumersAreSearchedAndPagedWithAnOpaqueCursor() {
        String tag = "Pager" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(router.admin("POST", "/admin/v1/consumers", "{\"username\":\"" + tag + "-" + i + "\"}").json().get("consumer_id").asText());
        }
        ids.add(router.admin("POST", "/admin/v1/consumers", "{\"custom_id\":\"ext-" + tag.toLowerCase() + "\"}").json()
                .get("consumer_id").asText());
        router.admin("POST", "/admin/v1/consumers", "{\"username\":\"someone-else\"}");

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = router.admin("GET", "/admin/v1/consumers?limit=2&query=" + tag.toUpperCase()
                    + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(OpenApi.errors("AdminConsumerPage", page.json())).isEmpty();
            page.json().get("data").forEach(c -> seen.add(c.get("consumer_id").asText()));
            sizes.add(page.json().get("data").size());
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
        } while (cursor != null && sizes.size() < 10);
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(ids);

        JsonNode all = router.admin("GET", "/admin/v1/consumers", null).json();
        assertThat(all.get("data").size()).isGreaterThanOrEqualTo(6);
        assertThat(message(router.admin("GET", "/admin/v1/consumers?limit=0", null))).contains("limit");
        assertThat(message(router.admin("GET", "/admin/v1/consumers?limit=501", null))).contains("1 to 500");
        assertThat(message(router.admin("GET", "/admin/v1/consumers?limit=ten", null))).contains("limit");
        assertThat(message(router.admin("GET", "/admin/v1/consumers?cursor=%21%21", null))).contains("cursor");
    }

    @Test
    void everyChangeIsAuditedNewestFirstWithoutSecrets() {
        JsonNode consumer = router.admin("POST", "/admin/v1/consumers", "{\"username\":\"audited\",\"quota\":1}").json();
        String cid = consumer.get("consumer_id").asText();
        router.admin("POST", "/admin/v1/consumers/" + cid + "/quota", "{\"add\":2}");
        router.admin("POST", "/admin/v1/consumers/" + cid + "/limits", "{\"requests_per_minute\":9}");
        JsonNode key = router.admin("POST", "/admin/v1/consumers/" + cid + "/keys", "{\"name\":\"k\"}").json();
        String keyId = key.get("key_id").asText();
        patch(keyId, "{\"budget\":5}");
        String rotated = router.admin("POST", "/admin/v1/keys/" + keyId + "/rotate", "{\"grace_seconds\":60}").json().get("key").asText();
        router.admin("DELETE", "/admin/v1/keys/" + keyId, null);

        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Reply page = router.admin("GET", "/admin/v1/audit?target=key:" + keyId + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.body()).doesNotContain(secretOf(key.get("key").asText())).doesNotContain(secretOf(rotated));
            assertThat(OpenApi.errors("AuditPage", page.json())).isEmpty();
            page.json().get("data").forEach(entries::add);
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(2);
        assertThat(entries).extracting(e -> e.get("action").asText()).containsExactly("key.revoke", "key.rotate", "key.update", "key.create");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.get("actor").asText()).isEqualTo("admin-api");
            assertThat(e.get("target").asText()).isEqualTo("key:" + keyId);
        });
        JsonNode update = entries.get(2).get("detail");
        assertThat(update.at("/before/budget").isNull()).isTrue();
        assertThat(update.at("/after/budget").decimalValue()).isEqualByComparingTo("5");
        assertThat(update.get("before").has("name")).as("only the changed fields").isFalse();
        assertThat(entries.get(1).at("/detail/grace_seconds").asLong()).isEqualTo(60);

        JsonNode consumerAudit = router.admin("GET", "/admin/v1/audit?target=consumer:" + cid, null).json();
        assertThat(consumerAudit.get("data")).extracting(e -> e.get("action").asText())
                .containsExactly("consumer.limits", "consumer.quota", "consumer.create");
        JsonNode quota = consumerAudit.at("/data/1/detail");
        assertThat(quota.at("/before/quota").decimalValue()).isEqualByComparingTo("1");
        assertThat(quota.at("/after/quota").decimalValue()).isEqualByComparingTo("3");
        assertThat(consumerAudit.at("/data/0/detail/after/requests_per_minute").asLong()).isEqualTo(9);
        assertThat(consumerAudit.get("next_cursor").isNull()).isTrue();

        router.admin("POST", "/admin/v1/models", "{\"id\":\"openai/gpt-5\",\"enabled\":false}");
        router.admin("POST", "/admin/v1/models", "{\"id\":\"openai/gpt-5\",\"enabled\":true}");
        JsonNode model = router.admin("GET", "/admin/v1/audit?target=model:openai/gpt-5&limit=1", null).json();
        assertThat(model.at("/data/0/action").asText()).isEqualTo("model.upsert");
        assertThat(model.at("/data/0/detail/after/enabled").asBoolean()).isTrue();
        assertThat(model.at("/data/0/detail/before/enabled").asBoolean()).isFalse();
        assertThat(model.get("next_cursor").isNull()).isFalse();

        JsonNode newest = router.admin("GET", "/admin/v1/audit?limit=1", null).json();
        assertThat(newest.at("/data/0/action").asText()).isEqualTo("model.upsert");
        assertThat(router.get("/admin/v1/audit", Map.of()).status()).isEqualTo(401);
    }

    private static String secretOf(String key) {
        return key.substring(key.indexOf('.') + 1);
    }
}
