package io.hpp.router.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.app.App;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.store.Store;
import io.hpp.router.wire.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmartRouterTest {
    private static Store store;
    private static ModelCatalog catalog;
    private static ActiveRules rules;
    /** The estimate the router sees: tests set it exactly, to sit on each boundary. */
    private static final AtomicLong ESTIMATE = new AtomicLong();

    @BeforeAll
    static void open() throws Exception {
        var dir = Files.createTempDirectory("routing-test");
        store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("r.db"))));
        catalog = new ModelCatalog(store);
        rules = new ActiveRules(store);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static SmartRouter router(Set<String> configured) {
        return new SmartRouter(rules, catalog, (messages, stopAbove) -> new PromptTokens.Estimate(ESTIMATE.get(), false), configured::contains);
    }

    /** A router for which every provider is configured. */
    private static SmartRouter all() {
        return router(Set.of("openai", "anthropic", "moonshotai", "ollama"));
    }

    private static ChatRequest req(String extra, String lastUser) {
        String json = "{\"model\":\"hpprouter/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"summarize the past\"},"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"" + lastUser + "\"}]" + extra + "}";
        return ChatRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void publish(String json) {
        store.publishRuleset(json, "test");
        rules.refresh();
    }

    @ParameterizedTest(name = "estimate {0} with margin 0.1 → {1} {2}")
    @CsvSource({
        // simple: estimate <= 200 (no margin)
        "199, simple, -", "200, simple, -", "201, complex, T1",
        // T1: estimate × 1.1 <= 4000, i.e. estimate <= 3636
        "3635, complex, T1", "3636, complex, T1", "3637, complex, T2",
        // T2: estimate × 1.1 <= 32000, i.e. estimate <= 29090
        "29089, complex, T2", "29090, complex, T2", "29091, complex, T3",
        "1000000, complex, T3"})
    void defaultRulesetBandsByEstimateWithTheMargin(long estimate, String basket, String tier) {
        rules.refresh();
        ESTIMATE.set(estimate);
        RouteDecision d = all().decide(req("", "explain quantum field theory"));
        assertThat(d.basket().wire()).isEqualTo(basket);
        assertThat(d.tier().orElse("-")).isEqualTo(tier);
        assertThat(d.rulesVersion()).isEqualTo(rules.active().orElseThrow().version());
    }

    @ParameterizedTest(name = "margin 0, estimate {0} → {1}")
    @CsvSource({"3999, T1", "4000, T1", "4001, T2", "31999, T2", "32000, T2", "32001, T3"})
    void withoutMarginTheBoundaryItselfBelongsToTheLowerTier(long estimate, String tier) {
        publish(withMargin("0"));
        ESTIMATE.set(estimate);
        assertThat(all().decide(req("", "explain")).tier()).contains(tier);
        publish(RuleSet.defaults().toString());
    }

    private static String withMargin(String margin) {
        var json = RuleSet.defaults();
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("complex")).put("margin", new java.math.BigDecimal(margin));
        return json.toString();
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {
        "Please summarize this text | simple",
        "SUMMARIZE: the meeting | simple",
        "Can you Translate it? | simple",
        "It was summarized yesterday | complex",
        "resummarize everything | complex",
        "summarize_all the things | complex",
        "nothing to see here | complex"})
    void keywordsMatchWholeWordsCaseInsensitivelyInTheLastUserMessageOnly(String lastUser, String basket) {
        rules.refresh();
        ESTIMATE.set(5000);
        assertThat(all().decide(req("", lastUser)).basket().wire()).isEqualTo(basket);
    }

    @Test
    void toolsOrToolChoiceSelectTheToolBasket() {
        ESTIMATE.set(10);
        String tool = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        assertThat(all().decide(req(tool, "hi")).basket()).isEqualTo(Basket.TOOL);
        assertThat(all().decide(req(",\"tool_choice\":\"none\"", "hi")).basket()).isEqualTo(Basket.TOOL);
        assertThat(all().decide(req(",\"tools\":[]", "hi")).basket()).isEqualTo(Basket.SIMPLE);
        RouteDecision d = all().decide(req(tool, "hi"));
        assertThat(d.ruleId()).isEqualTo("tool-default");
        assertThat(d.model().id()).isEqualTo("openai/gpt-4o-mini");
    }

    @Test
    void streamsTakeTheStreamingRuleUnlessItSaysClassify() {
        rules.refresh();
        ESTIMATE.set(50_000);
        RouteDecision d = all().decide(req(",\"stream\":true,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", "hi"));
        assertThat(d.basket()).isEqualTo(Basket.STREAMING);
        assertThat(d.ruleId()).isEqualTo("stream-fallback");
        assertThat(d.tier()).isEmpty();

        var json = RuleSet.defaults();
        json.putObject("streaming").put("mode", "classify");
        publish(json.toString());
        assertThat(all().decide(req(",\"stream\":true", "hi")).tier()).contains("T3");
        publish(RuleSet.defaults().toString());
    }

    @Test
    void rulesetsThatDoNotCoverTheCaseFailWithSmartRoutingFailed() {
        var json = RuleSet.defaults();
        json.remove("tool");
        json.remove("streaming");
        publish(json.toString());
        ESTIMATE.set(10);
        assertFails(() -> all().decide(req(",\"tool_choice\":\"auto\"", "hi")), "smart_routing_failed", "no tool rule");
        assertFails(() -> all().decide(req(",\"stream\":true", "hi")), "smart_routing_failed", "no streaming rule");
        publish(RuleSet.defaults().toString());
    }

    @Test
    void resolvedModelsMustBePricedEnabledAllowedAndConfigured() {
        ESTIMATE.set(100_000);
        var unpriced = RuleSet.defaults();
        ((com.fasterxml.jackson.databind.node.ObjectNode) unpriced.at("/complex/tiers/2")).put("model", "acme/unknown-model");
        publish(unpriced.toString());
        assertFails(() -> all().decide(req("", "hi there")), "unsupported_model", "acme/unknown-model");

        var notAllowed = RuleSet.defaults();
        notAllowed.putArray("allowed_providers").add("openai");
        publish(notAllowed.toString());
        assertFails(() -> all().decide(req("", "hi there")), "smart_routing_failed", "does not allow");

        publish(RuleSet.defaults().toString());
        assertFails(() -> router(Set.of("openai")).decide(req("", "hi there")), "smart_routing_failed", "not configured");

        store.upsertModel(catalog.find("anthropic/claude-sonnet-4").orElseThrow().withEnabled(false));
        catalog.refresh();
        assertFails(() -> all().decide(req("", "hi there")), "smart_routing_failed", "not an enabled chat model");
        store.upsertModel(catalog.find("anthropic/claude-sonnet-4").orElseThrow().withEnabled(true));
        catalog.refresh();
    }

    @Test
    void countingStopsPastTheLastBoundary() {
        rules.refresh();
        // largest estimates that still change the decision: simple 200, T1 3636, T2 29090
        assertThat(SmartRouter.stopAbove(rules.active().orElseThrow())).isEqualTo(29_090);
    }

    private static void assertFails(Runnable r, String code, String text) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(text);
        });
    }
}
