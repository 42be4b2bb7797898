package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminApiTest {
    private static TestRouter router;

    @BeforeAll
    static void start() {
        router = TestRouter.start();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void adminApiRequiresTheAdminToken() {
        assertThat(router.send("GET", "/admin/v1/models", null, Map.of()).status()).isEqualTo(401);
        Reply wrong = router.send("GET", "/admin/v1/models", null, Map.of("Authorization", "Bearer not-the-token-at-all"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).isEqualTo("unauthorized");
        TestRouter.Customer c = router.customer("1");
        assertThat(router.send("GET", "/admin/v1/models", null, Map.of("Authorization", "Bearer " + c.key())).status()).isEqualTo(401);
    }

    @Test
    void adminApiIsDisabledWithoutAToken() {
        try (TestRouter noAdmin = TestRouter.start(Map.of("HPP_ROUTER_ADMIN_TOKEN", ""))) {
            Reply r = noAdmin.admin("GET", "/admin/v1/models", null);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("message").asText()).contains("disabled");
        }
    }

    @Test
    void createsConsumersWithBalancesAndShowsThem() {
        Reply created = router.admin("POST", "/admin/v1/consumers", "{\"username\":\"bob\",\"custom_id\":\"ext-1\",\"quota\":25.5}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.json();
        assertThat(c.get("consumer_id").asText()).isNotBlank();
        assertThat(c.get("quota").decimalValue()).isEqualByComparingTo("25.5");
        assertThat(c.get("remaining").decimalValue()).isEqualByComparingTo("25.5");
        JsonNode shown = router.admin("GET", "/admin/v1/consumers/" + c.get("consumer_id").asText(), null).json();
        assertThat(shown.get("custom_id").asText()).isEqualTo("ext-1");
        assertThat(router.admin("POST", "/admin/v1/consumers", "{\"custom_id\":\"ext-1\"}").status()).isEqualTo(409);
        assertThat(router.admin("GET", "/admin/v1/consumers/nope", null).status()).isEqualTo(404);
    }

    @Test
    void rejectsBadAdminInputWithA400NamingTheField() {
        assertThat(router.admin("POST", "/admin/v1/consumers", "{\"quota\":\"lots\"}").json().get("message").asText()).contains("quota");
        assertThat(router.admin("POST", "/admin/v1/consumers", "{\"quota\":-1}").status()).isEqualTo(400);
        assertThat(router.admin("POST", "/admin/v1/consumers", "{\"quota\":0.0000000001}").status()).isEqualTo(400);
        assertThat(router.admin("POST", "/admin/v1/consumers", "not json").status()).isEqualTo(400);
        String id = router.customer("1").id();
        Reply both = router.admin("POST", "/admin/v1/consumers/" + id + "/quota", "{\"set\":1,\"add\":1}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(router.admin("POST", "/admin/v1/consumers/" + id + "/quota", "{\"add\":-5}").status()).isEqualTo(400);
    }

    @Test
    void keyIsShownOnceAndOnlyItsHashIsStored() throws IOException {
        TestRouter.Customer c = router.customer("1");
        assertThat(c.key()).startsWith("hpp_" + c.keyId() + ".");
        router.app().store().ping();
        String secret = c.key().substring(c.key().indexOf('.') + 1);
        // every file the router keeps, its settlement journal included
        try (Stream<Path> files = Files.walk(router.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(secret).doesNotContain(c.key());
            }
        }
        JsonNode consumer = router.admin("GET", "/admin/v1/consumers/" + c.id(), null).json();
        assertThat(consumer.toString()).doesNotContain(secret);
    }

    @Test
    void upsertedModelsChangeTheCatalogAtOnce() {
        TestRouter.Customer c = router.customer("1");
        Reply saved = router.admin("POST", "/admin/v1/models",
                "{\"id\":\"openai/gpt-test\",\"upstream_model\":\"gpt-test\",\"pricing\":{\"input\":0.5,\"output\":1.5}}");
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.json().get("provider").asText()).isEqualTo("openai");
        assertThat(router.get("/llm/v1/models", Map.of("apikey", c.key())).body()).contains("openai/gpt-test");

        router.admin("POST", "/admin/v1/models", "{\"id\":\"openai/gpt-test\",\"enabled\":false}");
        assertThat(router.get("/llm/v1/models", Map.of("apikey", c.key())).body()).doesNotContain("openai/gpt-test");
        JsonNode all = router.admin("GET", "/admin/v1/models", null).json();
        JsonNode entry = null;
        for (JsonNode m : all.get("data")) {
            if (m.get("id").asText().equals("openai/gpt-test")) {
                entry = m;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.get("enabled").asBoolean()).isFalse();
        assertThat(entry.at("/pricing/output").decimalValue()).isEqualByComparingTo("1.5");

        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"x/new\"}").status()).isEqualTo(400);
        assertThat(router.admin("POST", "/admin/v1/models",
                "{\"id\":\"x/new\",\"upstream_model\":\"n\",\"pricing\":{\"input\":-1,\"output\":1}}").status()).isEqualTo(400);
    }
}
