package io.hpp.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.routing.RuleSet;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestPostgres;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two router nodes sharing one real PostgreSQL and nothing else. */
class MultiNodeTest {
    private FakeProvider fake;
    private TestRouter a;
    private TestRouter b;
    private String dbUrl;

    private static final FakeProvider.Script HONOURS_CAP = (req, ex) -> {
        JsonNode body = req.json();
        long cap = body.path("max_completion_tokens").asLong(50);
        byte[] bytes = OpenAiWire.completion("gpt-5", "ok", 20, (int) Math.min(cap, 50), 0).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    };

    private Map<String, String> env(String extraKey, String extraValue) {
        Map<String, String> env = new HashMap<>(Map.of("HPP_ROUTER_DB_URL", dbUrl, "OPENAI_BASE_URL", fake.baseUrl() + "/v1",
                "OPENAI_API_KEY", "sk-multi", "HPP_ROUTER_QUOTA_CACHE_TTL_MS", "60000"));
        env.put(extraKey, extraValue);
        return env;
    }

    @BeforeEach
    void start() {
        dbUrl = TestPostgres.shared().newDatabase();
        fake = new FakeProvider();
        a = TestRouter.start(env("HPP_ROUTER_SWEEP_INTERVAL_MS", "60000"));
        b = TestRouter.start(env("HPP_ROUTER_SWEEP_INTERVAL_MS", "200"));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        fake.close();
    }

    private TestRouter.Reply chat(TestRouter node, String key) {
        return node.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}",
                Map.of("Authorization", "Bearer " + key));
    }

    @Test
    void concurrentRequestsOverTwoNodesNeverOverspendAndEveryRowIsLogged() throws Exception {
        fake.always(HONOURS_CAP);
        TestRouter.Customer c = a.customer("0.01");
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            TestRouter node = i % 2 == 0 ? a : b;
            calls.add(() -> chat(node, c.key()).status());
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(120)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
        }
        assertThat(a.app().flushRequestLog(20_000)).isTrue();
        assertThat(b.app().flushRequestLog(20_000)).isTrue();
        long ok = statuses.stream().filter(s -> s == 200).count();
        long rejected = statuses.stream().filter(s -> s == 429).count();
        assertThat(ok + rejected).as("only 200s and 429s").isEqualTo(240);
        assertThat(ok).isPositive();
        assertThat(rejected).isPositive();
        assertThat(fake.received()).as("rejected requests never reached the provider").hasSize((int) ok);

        ConsumerRecord after = a.app().store().consumer(c.id()).orElseThrow();
        List<RequestLogEntry> log = a.app().store().requestLog(c.id(), 1_000);
        assertThat(log).as("no request-log row lost").hasSize(240);
        assertThat(after.requests()).isEqualTo(240);
        assertThat(after.used()).isEqualTo(log.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus));
        assertThat(after.used()).isLessThanOrEqualTo(after.quota());
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
    }

    @Test
    void aKeysBudgetHoldsExactlyOverTwoNodesUnder200ConcurrentRequests() throws Exception {
        fake.always(HONOURS_CAP);
        TestRouter.Customer c = a.customer("1");
        TestRouter.Customer sibling = a.customer("1");
        // the key may spend $0.01 of its consumer's $1: about 19 requests of $0.000525
        a.app().store().updateKey(c.keyId(), java.util.Optional.of("agent"), new io.hpp.router.store.KeySettings(java.util.Optional.empty(),
                java.util.Optional.of(Money.ofDollars("0.01")), java.util.Optional.empty(), List.of(), ConsumerRecord.RateLimits.NONE, false,
                java.util.Optional.empty()), java.time.Instant.now()).orElseThrow();
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TestRouter node = i % 2 == 0 ? a : b;
            calls.add(() -> chat(node, c.key()).status());
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(100)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
        }
        assertThat(a.app().flushRequestLog(20_000)).isTrue();
        assertThat(b.app().flushRequestLog(20_000)).isTrue();
        long ok = statuses.stream().filter(s -> s == 200).count();
        assertThat(statuses).containsOnly(200, 429);
        assertThat(ok).isPositive().isLessThan(200);
        assertThat(fake.received()).as("refused requests never reached the provider").hasSize((int) ok);

        List<RequestLogEntry> log = a.app().store().requestLog(c.id(), 1_000);
        assertThat(log).as("no request-log row lost").hasSize(200);
        assertThat(log.stream().filter(e -> e.status() == 429)).allSatisfy(e -> assertThat(e.errorCode()).contains("key_budget_exceeded"));
        io.hpp.router.store.KeySpend spend = a.app().store().keySpend(c.keyId()).orElseThrow();
        Money logged = log.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
        assertThat(spend.spent()).as("key_spent == Σ cost of its requests").isEqualTo(logged);
        assertThat(spend.spent()).as("≤ its budget").isLessThanOrEqualTo(Money.ofDollars("0.01"));
        assertThat(spend.reserved()).isEqualTo(Money.ZERO);
        assertThat(spend.requests()).isEqualTo(200);
        ConsumerRecord after = a.app().store().consumer(c.id()).orElseThrow();
        assertThat(after.used()).isEqualTo(logged);
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
        assertThat(after.available()).as("the consumer's balance was not what ran out").isGreaterThan(Money.ofDollars("0.98"));
        assertThat(chat(b, sibling.key()).status()).as("another consumer's key is untouched").isEqualTo(200);
    }

    @Test
    void aQuotaTopUpOnOneNodeIsSeenAtOnceByTheOther() throws Exception {
        TestRouter.Customer c = a.customer("1");
        Map<String, String> auth = Map.of("apikey", c.key());
        assertThat(b.get("/api/quota-check", auth).json().get("quota").decimalValue()).isEqualByComparingTo("1");
        a.admin("POST", "/admin/v1/consumers/" + c.id() + "/quota", "{\"add\":4}");
        long deadline = System.currentTimeMillis() + 1_000;
        String seen = "";
        while (System.currentTimeMillis() < deadline && !seen.equals("5")) {
            seen = b.get("/api/quota-check", auth).json().get("quota").decimalValue().stripTrailingZeros().toPlainString();
            Thread.sleep(20);
        }
        assertThat(seen).as("B's cache lives 60 s: only the cross-node event can explain this").isEqualTo("5");
    }

    @Test
    void aRulesetActivatedOnOneNodeRoutesTheOtherWithinASecond() throws Exception {
        TestRouter.Customer c = a.customer("1");
        var v2 = RuleSet.defaults();
        ((com.fasterxml.jackson.databind.node.ObjectNode) v2.get("tool")).put("model", "ollama/gpt-oss:120b").put("rule_id", "tool-local");
        String preview = "{\"model\":\"hpprouter/auto\",\"tool_choice\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertThat(b.send("POST", "/api/route-preview", preview, Map.of("apikey", c.key())).json().get("rule_id").asText())
                .isEqualTo("tool-default");
        long t0 = System.nanoTime();
        assertThat(a.admin("POST", "/admin/v1/routing/rulesets", v2.toString()).status()).isEqualTo(201);
        String rule = "";
        while ((System.nanoTime() - t0) / 1_000_000 < 1_000 && !rule.equals("tool-local")) {
            rule = b.send("POST", "/api/route-preview", preview, Map.of("apikey", c.key())).json().get("rule_id").asText();
        }
        assertThat(rule).isEqualTo("tool-local");
    }

    @Test
    void aRateLimitHoldsAcrossBothNodes() throws Exception {
        fake.always(HONOURS_CAP);
        // a balance far above one request's worst-case hold, so that only the rate limit can refuse
        TestRouter.Customer c = a.customer("100");
        a.admin("POST", "/admin/v1/consumers/" + c.id() + "/limits", "{\"requests_per_minute\":5}");
        io.hpp.router.chat.RateLimitTestSupport.awayFromAMinuteBoundary();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestRouter.Reply r = chat(i % 2 == 0 ? a : b, c.key());
            answers.add(r.status() + (r.status() == 200 ? "" : " " + r.body()));
        }
        assertThat(answers.stream().filter(s -> s.equals("200")).count()).as("%s", answers).isEqualTo(5);
        assertThat(answers.stream().filter(s -> s.contains("rate_limited")).count()).as("%s", answers).isEqualTo(5);
    }

    @Test
    void aRevokedKeyIsRefusedByTheOtherNodeAtOnce() throws Exception {
        TestRouter.Customer c = a.customer("1");
        assertThat(b.get("/api/usage", Map.of("apikey", c.key())).status()).isEqualTo(200);
        a.admin("DELETE", "/admin/v1/keys/" + c.keyId(), null);
        long deadline = System.currentTimeMillis() + 1_000;
        int status = 200;
        while (System.currentTimeMillis() < deadline && status == 200) {
            status = b.get("/api/usage", Map.of("apikey", c.key())).status();
            Thread.sleep(20);
        }
        assertThat(status).isEqualTo(401);
    }

    /**
     * The Responses API's conversations are the router's, in the shared database: a response kept by node A continues
     * on node B, B reads and deletes it, and A then finds it gone; B's answer is kept too and read on A.
     */
    @Test
    void aResponseKeptOnOneNodeContinuesOnTheOther() throws Exception {
        TestRouter.Customer c = a.customer("1");
        fake.enqueue(FakeProvider.json(200, """
                {"id":"resp_node_a","object":"response","created_at":1741476542,"status":"completed","model":"gpt-5",\
                "output":[{"type":"message","id":"msg_a","status":"completed","role":"assistant",\
                "content":[{"type":"output_text","text":"Kept on A","annotations":[]}]}],\
                "usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":3,\
                "output_tokens_details":{"reasoning_tokens":0},"total_tokens":13}}"""));
        Map<String, String> auth = Map.of("Authorization", "Bearer " + c.key());
        TestRouter.Reply first = a.send("POST", "/llm/v1/responses", "{\"model\":\"openai/gpt-5\",\"input\":\"Remember me\"}", auth);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(fake.last().path()).isEqualTo("/v1/responses");
        // its hold (most of the $1: the output cap was lowered to what the balance pays) is released once settled
        assertThat(a.app().flushRequestLog(10_000)).isTrue();

        fake.enqueue(FakeProvider.json(200, """
                {"id":"resp_node_b","object":"response","created_at":1741476543,"status":"completed","model":"gpt-5",\
                "output":[{"type":"message","id":"msg_b","status":"completed","role":"assistant",\
                "content":[{"type":"output_text","text":"Continued on B","annotations":[]}]}],\
                "usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":0},"output_tokens":3,\
                "output_tokens_details":{"reasoning_tokens":0},"total_tokens":23}}"""));
        TestRouter.Reply second = b.send("POST", "/llm/v1/responses",
                "{\"model\":\"openai/gpt-5\",\"previous_response_id\":\"resp_node_a\",\"input\":\"Still there?\",\"stream\":false,"
                        + "\"tools\":[{\"type\":\"web_search\"}]}", auth);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(fake.last().path()).isEqualTo("/v1/responses");
        JsonNode input = fake.last().json().get("input");
        assertThat(input.toString()).contains("Remember me", "Kept on A", "Still there?");
        assertThat(fake.last().json().has("previous_response_id")).isFalse();

        assertThat(second.json().at("/output/0/content/0/text").asText()).isEqualTo("Continued on B");
        assertThat(b.get("/llm/v1/responses/resp_node_a", auth).status()).isEqualTo(200);
        assertThat(a.get("/llm/v1/responses/resp_node_b", auth).status()).as("kept by B, read on A").isEqualTo(200);
        assertThat(b.send("DELETE", "/llm/v1/responses/resp_node_a", "", auth).status()).isEqualTo(200);
        assertThat(a.get("/llm/v1/responses/resp_node_a", auth).status()).isEqualTo(404);
    }
}
