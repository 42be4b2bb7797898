package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.routing.RuleSet;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** hpprouter/auto end to end: decision headers, the log row, route preview and the versioned rules admin API. */
class SmartRoutingThroughRouterTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        return Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant");
    }

    @Test
    void autoAnswersCarryTheDecisionHeadersAndTheLogKeepsThem() {
        TestRouter.Customer c = router.customer("5");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5-mini", "ok", 900, 10, 0)));
        String longPrompt = "Explain the design of distributed consensus protocols in depth. ".repeat(40);

        TestRouter.Reply r = chat(c.key(), body("hpprouter/auto", "").replace("Hello there", longPrompt));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("openai/gpt-5-mini");
        assertThat(r.header("X-HPP-Router-Basket")).contains("complex");
        assertThat(r.header("X-HPP-Router-Tier")).contains("T1");
        assertThat(r.header("X-HPP-Router-Rule-Id")).contains("complex-t1");
        assertThat(r.header("X-HPP-Router-Rules-Version")).contains("1");
        assertThat(r.json().get("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(fake.last().json().get("model").asText()).isEqualTo("gpt-5-mini");

        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.requestedModel()).isEqualTo("hpprouter/auto");
        assertThat(row.resolvedModel()).contains("openai/gpt-5-mini");
        assertThat(row.basket()).contains("complex");
        assertThat(row.tier()).contains("T1");
        assertThat(row.ruleId()).contains("complex-t1");
        assertThat(row.rulesVersion()).contains(1L);

        TestRouter.Reply simple = chat(c.key(), body("hpprouter/auto", "").replace("Hello there", "Please translate: bonjour"));
        assertThat(simple.header("X-HPP-Router-Basket")).contains("simple");
        assertThat(simple.header("X-HPP-Router-Tier")).isEmpty();
        assertLedgerBalanced(c.id());
    }

    @Test
    void streamsUseTheStreamingFallbackAndSayHowTheyWereRouted() {
        TestRouter.Customer c = router.customer("5");
        fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-4o-mini", List.of("hi"), 5, 1)));
        StreamReply r = stream(c.key(), body("hpprouter/auto", ",\"stream\":true"));
        assertThat(r.header("X-HPP-Router-Basket")).isEqualTo("streaming");
        assertThat(r.header("X-HPP-Router-Rule-Id")).isEqualTo("stream-fallback");
        assertThat(r.header("X-HPP-Router-Resolved-Model")).isEqualTo("openai/gpt-4o-mini");
    }

    @Test
    void routePreviewExplainsTheDecisionWithoutCallingAProviderOrCharging() {
        TestRouter.Customer c = router.customer("5");
        TestRouter.Reply r = router.send("POST", "/api/route-preview",
                body("hpprouter/auto", ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]"), Map.of("apikey", c.key()));
        assertThat(r.status()).isEqualTo(200);
        JsonNode d = r.json();
        assertThat(io.hpp.router.testing.OpenApi.errors("RoutePreviewResponse", d)).isEmpty();
        assertThat(d.get("basket").asText()).isEqualTo("tool");
        assertThat(d.get("resolved_model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(d.get("rule_id").asText()).isEqualTo("tool-default");
        assertThat(d.get("rules_version").asLong()).isEqualTo(1);
        assertThat(d.get("reason").asText()).contains("tools");
        assertThat(d.at("/pricing/input").decimalValue()).isEqualByComparingTo("0.15");
        assertThat(fake.received()).isEmpty();
        assertThat(settledConsumer(c.id()).used().isPositive()).isFalse();
        assertThat(router.send("POST", "/api/route-preview", body("hpprouter/auto", ""), Map.of()).status()).isEqualTo(401);
    }

    @Test
    void publishingValidatesStoresANewVersionAndActivatesItAndRollbackWorks() {
        TestRouter.Customer c = router.customer("5");
        Map<String, String> auth = Map.of("apikey", c.key());
        String preview = body("hpprouter/auto", "").replace("Hello there", "Please summarize");

        TestRouter.Reply bad = router.admin("POST", "/admin/v1/routing/rulesets", "{\"tool\":{\"rule_id\":\"t\",\"model\":\"acme/none\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("acme/none");
        assertThat(router.admin("GET", "/admin/v1/routing/rulesets", null).json().get("data")).hasSize(1);

        var v2 = RuleSet.defaults();
        ((com.fasterxml.jackson.databind.node.ObjectNode) v2.get("simple")).put("model", "ollama/gpt-oss:120b").put("rule_id", "simple-local");
        TestRouter.Reply published = router.admin("POST", "/admin/v1/routing/rulesets", v2.toString());
        assertThat(published.status()).isEqualTo(201);
        assertThat(published.json().get("version").asLong()).isEqualTo(2);
        assertThat(published.json().get("active").asBoolean()).isTrue();
        JsonNode d2 = router.send("POST", "/api/route-preview", preview, auth).json();
        assertThat(d2.get("resolved_model").asText()).isEqualTo("ollama/gpt-oss:120b");
        assertThat(d2.get("rules_version").asLong()).isEqualTo(2);

        assertThat(router.admin("POST", "/admin/v1/routing/rulesets/1/activate", null).status()).isEqualTo(200);
        JsonNode d1 = router.send("POST", "/api/route-preview", preview, auth).json();
        assertThat(d1.get("resolved_model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(d1.get("rules_version").asLong()).isEqualTo(1);
        JsonNode all = router.admin("GET", "/admin/v1/routing/rulesets", null).json().get("data");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).get("active").asBoolean()).isTrue();
        assertThat(all.get(1).get("active").asBoolean()).isFalse();
        assertThat(router.admin("POST", "/admin/v1/routing/rulesets/9/activate", null).status()).isEqualTo(404);
    }

    @Test
    void aVersionActivatedElsewhereIsFollowedWithinASecond() throws InterruptedException {
        TestRouter.Customer c = router.customer("5");
        var v2 = RuleSet.defaults();
        ((com.fasterxml.jackson.databind.node.ObjectNode) v2.get("tool")).put("model", "moonshotai/kimi-k2.6");
        router.app().store().publishRuleset(v2.toString(), "another-node");
        long deadline = System.currentTimeMillis() + 1_500;
        String resolved = "";
        while (System.currentTimeMillis() < deadline && !resolved.equals("moonshotai/kimi-k2.6")) {
            resolved = router.send("POST", "/api/route-preview", body("hpprouter/auto", ",\"tool_choice\":\"auto\""),
                    Map.of("apikey", c.key())).json().get("resolved_model").asText();
            Thread.sleep(50);
        }
        assertThat(resolved).isEqualTo("moonshotai/kimi-k2.6");
    }
}
