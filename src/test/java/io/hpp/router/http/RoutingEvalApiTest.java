package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/v1/routing/eval}: the offline evaluation over the admin API, bounded in rows. */
class RoutingEvalApiTest {
    private static TestRouter router;

    @BeforeAll
    static void start() {
        router = TestRouter.start();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    private static String row(String id, String prompt, double weakQ, long weakOut, double strongQ, long strongOut) {
        return "{\"id\":\"" + id + "\",\"source\":\"t\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],"
                + "\"results\":{\"weak\":{\"quality\":" + weakQ + ",\"output_tokens\":" + weakOut + "},"
                + "\"strong\":{\"quality\":" + strongQ + ",\"output_tokens\":" + strongOut + "}}}";
    }

    @Test
    void theActiveRulesetIsReplayedAndPricedWithoutCallingAProvider() {
        // default ruleset: "hello" (9 tokens) is simple → gpt-4o-mini, mapped weak by default; "please translate this" has a keyword
        String body = "{\"dataset\":[" + row("a", "hello", 0.5, 10, 1.0, 20) + "," + row("b", "please translate this", 1.0, 1000, 1.0, 10) + "]}";
        TestRouter.Reply r = router.admin("POST", "/admin/v1/routing/eval", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode all = r.json().at("/sources/1");
        assertThat(r.json().get("rules_version").asLong()).isEqualTo(1);
        assertThat(r.json().get("mapping").asText()).isEqualTo("T1=weak,T2=strong,T3=strong,simple=weak,streaming=weak,tool=strong,*=strong");
        assertThat(r.json().get("top_model").asText()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(all.get("source").asText()).isEqualTo("all");
        assertThat(all.at("/places/simple").asLong()).isEqualTo(2);
        // gpt-4o-mini ($0.15/$0.6 per 1M): a = 9×0.15 + 10×0.6 = 7.35 µ$; b = 3+4+1+3 = 11 tokens: 11×0.15 + 1000×0.6 = 601.65 µ$
        assertThat(all.at("/cost_usd/routed").decimalValue()).isEqualByComparingTo("0.000609");
        assertThat(all.at("/quality_mean/routed").asDouble()).isEqualTo(0.75);
        assertThat(all.get("top_quality_kept").asDouble()).isEqualTo(0.75);
    }

    @Test
    void theWholeRouteLlmFileFitsAsJsonLinesInOneRequest() throws Exception {
        String jsonl = Files.readString(Path.of("datasets/routellm-eval/routellm-eval.jsonl"));
        String body = Json.object().put("dataset_jsonl", jsonl).toString();
        TestRouter.Reply r = router.admin("POST", "/admin/v1/routing/eval", body);
        assertThat(r.status()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(200);
        JsonNode all = r.json().at("/sources/3");
        assertThat(r.json().at("/sources/0/source").asText()).isEqualTo("gsm8k");
        assertThat(all.get("requests").asLong()).isEqualTo(3479);
        // the default ruleset: everything below 200 tokens, or with a keyword, is simple; the rest fits T1
        assertThat(all.at("/places/simple").asLong() + all.at("/places/T1").asLong()).isEqualTo(3479);
        // and with the default mapping both stand for the weak answer: quality is the weak model's (README: 0.6696)
        assertThat(all.at("/quality_mean/routed").asDouble()).isCloseTo(0.6696, org.assertj.core.api.Assertions.within(0.00005));
        assertThat(all.at("/quality_mean/top").asDouble()).isCloseTo(0.8237, org.assertj.core.api.Assertions.within(0.00005));
    }

    @Test
    void aGivenRulesetAndMappingAreUsedAndMistakesAreClearClientErrors() {
        String rules = "{\"complex\":{\"tiers\":[{\"tier\":\"X\",\"rule_id\":\"x\",\"model\":\"openai/gpt-5\"}]}}";
        String ok = "{\"ruleset\":" + rules + ",\"mapping\":\"X=weak\",\"dataset\":[" + row("a", "hello", 0.5, 10, 1.0, 20) + "]}";
        TestRouter.Reply r = router.admin("POST", "/admin/v1/routing/eval", ok);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/places/X").asText()).isEqualTo("openai/gpt-5");
        // gpt-5 weak answer: 9×1.25 + 10×10 = 111.25 µ$
        assertThat(r.json().at("/sources/1/cost_usd/routed").decimalValue()).isEqualByComparingTo("0.00011125");

        // rows of a realistic size (the body guard allows one JSON element per 32 bytes): 5,001 of them, ~6 MB
        List<String> many = new ArrayList<>();
        String prompt = "word ".repeat(220).trim();
        for (int i = 0; i <= RoutingRoutes.MAX_EVAL_ROWS; i++) {
            many.add(row("r" + i, prompt, 1, 1, 1, 1));
        }
        TestRouter.Reply tooMany = router.admin("POST", "/admin/v1/routing/eval", "{\"dataset\":[" + String.join(",", many) + "]}");
        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(400);
        assertThat(tooMany.json().get("message").asText()).isEqualTo("The dataset has 5001 rows; at most 5000 are evaluated at once");

        TestRouter.Reply badRow = router.admin("POST", "/admin/v1/routing/eval", "{\"dataset\":[{\"messages\":[]}]}");
        assertThat(badRow.status()).isEqualTo(400);
        assertThat(badRow.json().get("message").asText()).isEqualTo("Dataset dataset[0] needs 'messages', a non-empty array");

        TestRouter.Reply noVersion = router.admin("POST", "/admin/v1/routing/eval", "{\"version\":99,\"dataset\":[" + row("a", "q", 1, 1, 1, 1) + "]}");
        assertThat(noVersion.status()).isEqualTo(404);

        TestRouter.Reply noAdmin = router.send("POST", "/admin/v1/routing/eval", ok, Map.of());
        assertThat(noAdmin.status()).isEqualTo(401);
        assertThat(noAdmin.body()).doesNotContain("Exception");
    }
}
