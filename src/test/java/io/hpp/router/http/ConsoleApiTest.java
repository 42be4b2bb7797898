package io.hpp.router.http;

import static io.hpp.router.http.ConsoleLog.bound;
import static io.hpp.router.http.ConsoleLog.ids;
import static io.hpp.router.http.ConsoleLog.percentile;
import static io.hpp.router.http.ConsoleLog.provider;
import static io.hpp.router.http.ConsoleLog.sums;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.http.ConsoleLog.Sums;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Reply;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's endpoints over real traffic through fake providers: provider health, what is in flight and held now,
 * top lists by provider, deployment and tier, one key's series, the request log's filters, and the operator's route
 * preview. Every number is checked against the request log the same router lists ({@code /admin/v1/requests}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest {
    /** What every OpenAI request waits before it is answered: its latency is at least this. */
    private static final long DELAY_MS = 120;
    private static final String LONG_PROMPT = "Explain the design of distributed consensus protocols in depth. ".repeat(40);

    private FakeProvider openai;
    private FakeProvider moonshot;
    private TestRouter router;
    private TestRouter.Customer alice;
    /** Alice's second key: it made the auto request only. */
    private String secondKeyId;
    private String okId;
    private String streamedId;
    private String failedId;
    private String autoId;

    /** The router's environment beyond the fakes' (SQLite); the PostgreSQL variant names its database. */
    Map<String, String> env() {
        return Map.of();
    }

    @BeforeAll
    void start() {
        openai = new FakeProvider();
        moonshot = new FakeProvider();
        Map<String, String> env = new HashMap<>(Map.of("OPENAI_BASE_URL", openai.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-test-openai",
                "MOONSHOT_BASE_URL", moonshot.baseUrl() + "/v1", "MOONSHOT_API_KEY", "sk-test-moonshot",
                "HPP_ROUTER_RETRIES", "1", "HPP_ROUTER_RETRY_BACKOFF_MS", "10"));
        env.putAll(env());
        router = TestRouter.start(env);
        alice = router.customer("10");
        JsonNode second = router.admin("POST", "/admin/v1/consumers/" + alice.id() + "/keys", "{\"name\":\"second\"}").json();
        secondKeyId = second.get("key_id").asText();
        traffic(second.get("key").asText());
    }

    /** One JSON answer, one stream and one provider 500 (retried once) on alice's first key; one auto request on her second. */
    private void traffic(String secondKey) {
        openai.enqueue(FakeProvider.delayed(DELAY_MS, FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "ok", 12, 3, 0))));
        Reply ok = chat(alice.key(), body("openai/gpt-4o-mini", ""));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        openai.enqueue(FakeProvider.delayed(DELAY_MS, openai.sse(0, OpenAiWire.textStream("gpt-4o-mini", List.of("hi", " there"), 9, 2))));
        Reply streamed = chat(alice.key(), body("openai/gpt-4o-mini", ",\"stream\":true"));
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.body()).contains("[DONE]").contains(" there");
        for (int i = 0; i < 2; i++) {
            openai.enqueue(FakeProvider.delayed(DELAY_MS, FakeProvider.json(500, OpenAiWire.SERVER_ERROR)));
        }
        Reply failed = chat(alice.key(), body("openai/gpt-4o-mini", ""));
        assertThat(failed.status()).as(failed.body()).isEqualTo(500);
        openai.enqueue(FakeProvider.delayed(DELAY_MS, FakeProvider.json(200, OpenAiWire.completion("gpt-5-mini", "ok", 900, 10, 0))));
        Reply auto = chat(secondKey, body("hpprouter/auto", "").replace("Hello there", LONG_PROMPT));
        assertThat(auto.status()).as(auto.body()).isEqualTo(200);
        assertThat(auto.header("X-HPP-Router-Tier")).contains("T1");

        // what the provider received: one call each, two for the failure (one retry), the auto request as its model
        List<FakeProvider.Received> got = openai.received();
        assertThat(got).hasSize(5);
        assertThat(got.subList(0, 4)).allSatisfy(r -> assertThat(r.json().get("model").asText()).isEqualTo("gpt-4o-mini"));
        assertThat(got.get(1).json().get("stream").asBoolean()).isTrue();
        assertThat(got.get(4).json().get("model").asText()).isEqualTo("gpt-5-mini");
        assertThat(moonshot.received()).isEmpty();
        okId = ok.header("X-Request-Id").orElseThrow();
        streamedId = streamed.header("X-Request-Id").orElseThrow();
        failedId = failed.header("X-Request-Id").orElseThrow();
        autoId = auto.header("X-Request-Id").orElseThrow();
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
    }

    @AfterAll
    void stop() {
        router.close();
        openai.close();
        moonshot.close();
    }

    private Reply chat(String key, String body) {
        return router.send("POST", "/llm/v1/chat/completions", body, Map.of("Authorization", "Bearer " + key));
    }

    private static String body(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]" + extra + "}";
    }

    private Reply admin(String path) {
        return router.admin("GET", path, null);
    }

    /** The request log's rows for a query (one page of up to 500, which holds them all). */
    private List<JsonNode> log(String query) {
        Reply r = admin("/admin/v1/requests?limit=500" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        r.json().get("data").forEach(rows::add);
        return rows;
    }

    @Test
    void providerHealthCountsTheLoggedRequestsFailuresAndLatencies() {
        Reply r = admin("/admin/v1/stats/providers");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> rows = log("").stream().filter(e -> e.get("deployment").asText("").startsWith("openai:")).toList();
        assertThat(ids(rows)).containsExactlyInAnyOrder(okId, streamedId, failedId, autoId);
        long failures = rows.stream().filter(e -> e.get("status").asInt() >= 500).count();
        assertThat(failures).isEqualTo(1);

        JsonNode p = provider(r.json(), "openai");
        assertThat(p.get("requests").asLong()).isEqualTo(4);
        assertThat(p.get("errors").asLong()).isEqualTo(failures);
        assertThat(p.get("error_rate").decimalValue()).isEqualByComparingTo("0.25");
        List<Long> latencies = rows.stream().map(e -> e.at("/timings_ms/total").asLong()).toList();
        assertThat(latencies).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(DELAY_MS));
        JsonNode latency = p.get("latency_ms");
        assertThat(latency.get("p50").isNumber()).as(latency.toString()).isTrue();
        assertThat(latency.get("p50").asLong()).isGreaterThanOrEqualTo(bound(DELAY_MS)).isEqualTo(percentile(latencies, 50));
        assertThat(latency.get("p90").asLong()).isEqualTo(percentile(latencies, 90));
        assertThat(latency.get("p99").asLong()).isEqualTo(percentile(latencies, 99));
        JsonNode firstToken = rows.stream().filter(e -> e.get("id").asText().equals(streamedId)).findFirst().orElseThrow()
                .at("/timings_ms/first_token");
        assertThat(firstToken.isNumber()).as("the streamed row's first token time").isTrue();
        assertThat(p.at("/ttft_ms/p50").isNumber()).as(p.toString()).isTrue();
        assertThat(p.at("/ttft_ms/p50").asLong()).isEqualTo(bound(firstToken.asLong()));
        // the four OpenAI chat models' circuits; two failures stay under the five that open one
        assertThat(p.at("/circuits/closed").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(p.at("/circuits/open").asInt()).isZero();
        assertThat(p.at("/circuits/half_open").asInt()).isZero();

        JsonNode idle = provider(r.json(), "anthropic"); // in the catalog, no traffic
        assertThat(idle.get("requests").asLong()).isZero();
        assertThat(idle.get("errors").asLong()).isZero();
        assertThat(idle.get("error_rate").asDouble()).isZero();
        for (String pointer : List.of("/latency_ms/p50", "/latency_ms/p90", "/latency_ms/p99", "/ttft_ms/p50")) {
            assertThat(idle.at(pointer).isNull()).as(pointer + " of " + idle).isTrue();
        }
        assertThat(idle.at("/circuits/closed").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void providerHealthWindowIsBoundedAndAdminOnly() {
        Instant now = Instant.now();
        assertBad("/admin/v1/stats/providers?since=" + now.minus(Duration.ofHours(25)), "may span at most 24 hours");
        assertBad("/admin/v1/stats/providers?since=yesterday", "Query 'since' must be an ISO-8601 instant");
        Instant until = now.plusSeconds(1);
        Reply day = admin("/admin/v1/stats/providers?since=" + until.minus(Duration.ofHours(24)) + "&until=" + until);
        assertThat(day.status()).as(day.body()).isEqualTo(200);
        assertThat(provider(day.json(), "openai").get("requests").asLong()).isEqualTo(4);
        // a window before the traffic holds none of it
        Reply before = admin("/admin/v1/stats/providers?since=" + now.minus(Duration.ofHours(3)) + "&until=" + now.minus(Duration.ofHours(2)));
        assertThat(provider(before.json(), "openai").get("requests").asLong()).isZero();
        for (String path : List.of("/admin/v1/stats/providers", "/admin/v1/stats/now")) {
            assertThat(router.send("GET", path, null, Map.of()).status()).as(path).isEqualTo(401);
            Reply withKey = router.send("GET", path, null, Map.of("Authorization", "Bearer " + alice.key()));
            assertThat(withKey.status()).as(path).isEqualTo(401);
            assertThat(withKey.json().get("error").asText()).isEqualTo("unauthorized");
        }
    }

    @Test
    void nowCountsAHeldRequestUntilItEnds() throws Exception {
        TestRouter.Customer bob = router.customer("5");
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        moonshot.enqueue((req, ex) -> {
            arrived.countDown();
            release.await(20, TimeUnit.SECONDS); // bounded: the test releases it as soon as it has looked
            FakeProvider.json(200, OpenAiWire.completion("kimi-k2.6", "ok", 5, 2, 0)).answer(req, ex);
        });
        JsonNode idle = pollNow(n -> n.get("in_flight").asInt() == 0 && n.get("holds").asLong() == 0);
        assertThat(idle.get("held").decimalValue()).isEqualByComparingTo("0");

        CompletableFuture<Reply> held = CompletableFuture.supplyAsync(() -> chat(bob.key(), body("moonshotai/kimi-k2.6", "")));
        try {
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the request reached the provider").isTrue();
            Reply now = admin("/admin/v1/stats/now");
            assertThat(now.status()).as(now.body()).isEqualTo(200);
            assertThat(now.json().get("in_flight").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(now.json().get("upstream_in_flight").asInt()).as("the one call the fake holds").isEqualTo(1);
            assertThat(now.json().get("holds").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(now.json().get("held").decimalValue()).isPositive();
        } finally {
            release.countDown();
        }
        Reply done = held.get(20, TimeUnit.SECONDS);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(moonshot.received()).hasSize(1);
        assertThat(moonshot.last().json().get("model").asText()).isEqualTo("kimi-k2.6");
        JsonNode after = pollNow(n -> n.get("in_flight").asInt() == 0 && n.get("holds").asLong() == 0);
        assertThat(after.get("held").decimalValue()).isEqualByComparingTo("0");
        assertThat(after.get("upstream_in_flight").asInt()).isZero();
    }

    /** Asks {@code /admin/v1/stats/now} until {@code done} holds, for at most 10 s; returns the last answer. */
    private JsonNode pollNow(Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode last;
        do {
            last = admin("/admin/v1/stats/now").json();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("stats/now did not settle within 10 s: " + last);
    }

    @Test
    void topByProviderDeploymentAndTierSumTheLogsCosts() {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        List<JsonNode> rows = log("&since=" + Instant.now().minus(Duration.ofDays(1)));
        Map<String, Sums> byDeployment = sums(rows, e -> e.get("deployment").asText(null));
        Map<String, Sums> byProvider = sums(rows, e -> e.get("deployment").isNull() ? null : e.get("deployment").asText().split(":")[0]);
        Map<String, Sums> byTier = sums(rows, e -> e.at("/routing/tier").asText(null));
        assertThat(byDeployment.get("openai:gpt-4o-mini").requests()).isEqualTo(3);
        assertThat(byDeployment.get("openai:gpt-5-mini").requests()).isEqualTo(1);
        assertThat(byProvider.get("openai").requests()).isEqualTo(4);
        assertThat(byProvider.get("openai").spend()).isPositive();
        assertThat(byTier).containsOnlyKeys("T1");

        assertThat(top("provider")).isEqualTo(byProvider);
        assertThat(top("deployment")).isEqualTo(byDeployment);
        assertThat(top("tier")).isEqualTo(byTier);
    }

    private Map<String, Sums> top(String by) {
        Reply r = admin("/admin/v1/stats/top?by=" + by + "&limit=100");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("by").asText()).isEqualTo(by);
        Map<String, Sums> out = new HashMap<>();
        for (JsonNode t : r.json().get("data")) {
            assertThat(out.put(t.get("key").asText(), new Sums(t.get("requests").asLong(), t.get("spend").decimalValue().stripTrailingZeros())))
                    .as("one row per " + by).isNull();
        }
        return out;
    }

    @Test
    void oneKeysSeriesHoldsOnlyThatKeysRequests() {
        assertSeries(secondKeyId, 1, 0);
        assertSeries(alice.keyId(), 3, 1);
        assertThat(ids(log("&key_id=" + secondKeyId))).containsExactly(autoId);
    }

    private void assertSeries(String keyId, long requests, long errors) {
        Reply r = admin("/admin/v1/stats/timeseries?bucket=hour&key_id=" + keyId);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long n = 0;
        long e = 0;
        BigDecimal spend = BigDecimal.ZERO;
        for (JsonNode b : r.json().get("data")) {
            n += b.get("requests").asLong();
            e += b.get("errors").asLong();
            spend = spend.add(b.get("spend").decimalValue());
        }
        List<JsonNode> rows = log("&key_id=" + keyId);
        BigDecimal logged = rows.stream().map(x -> x.get("cost").decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(n).as(keyId).isEqualTo(requests).isEqualTo(rows.size());
        assertThat(e).as(keyId).isEqualTo(errors);
        assertThat(spend).as(keyId).isEqualByComparingTo(logged);
    }

    @Test
    void theRequestLogFiltersByStatusModelKeyBasketAndUntil() {
        List<JsonNode> all = log("");
        assertThat(ids(log("&status=error"))).containsExactly(failedId).isEqualTo(ids(all, e -> e.get("status").asInt() >= 400));
        assertThat(ids(log("&status=500"))).containsExactly(failedId);
        List<JsonNode> ok = log("&status=ok");
        assertThat(ok).allSatisfy(e -> assertThat(e.get("status").asInt()).isLessThan(400));
        assertThat(ids(ok)).contains(okId, streamedId, autoId).isEqualTo(ids(all, e -> e.get("status").asInt() < 400));
        assertThat(ids(log("&status=404"))).isEmpty();
        assertThat(ids(log("&model=openai/gpt-4o-mini"))).containsExactly(failedId, streamedId, okId);
        assertThat(ids(log("&model=hpprouter/auto"))).containsExactly(autoId);
        assertThat(ids(log("&model=openai/gpt-5-mini"))).containsExactly(autoId);
        assertThat(ids(log("&key_id=" + alice.keyId()))).containsExactly(failedId, streamedId, okId);
        assertThat(ids(log("&basket=complex"))).containsExactly(autoId);
        assertThat(ids(log("&key_id=" + alice.keyId() + "&status=ok"))).containsExactly(streamedId, okId);
        assertThat(ids(log("&status="))).as("a blank field is no filter").isEqualTo(ids(all));

        String autoAt = all.stream().filter(e -> e.get("id").asText().equals(autoId)).findFirst().orElseThrow().get("created_at").asText();
        List<JsonNode> before = log("&until=" + autoAt);
        assertThat(ids(before)).doesNotContain(autoId).contains(okId)
                .isEqualTo(ids(all, e -> Instant.parse(e.get("created_at").asText()).isBefore(Instant.parse(autoAt))));
    }

    @Test
    void pagesKeepTheirFilter() {
        assertThat(pages("&model=openai/gpt-4o-mini&status=ok")).containsExactly(streamedId, okId);
        assertThat(pages("&status=error")).containsExactly(failedId);
        assertThat(pages("&key_id=" + alice.keyId())).containsExactly(failedId, streamedId, okId);
    }

    /** Every page of one row through next_cursor (at most 10 pages); the ids in order. */
    private List<String> pages(String filter) {
        List<String> seen = new ArrayList<>();
        String cursor = "";
        for (int page = 0; page < 10; page++) {
            Reply r = admin("/admin/v1/requests?limit=1" + filter + cursor);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode data = r.json().get("data");
            assertThat(data.size()).isLessThanOrEqualTo(1);
            data.forEach(e -> seen.add(e.get("id").asText()));
            if (r.json().get("next_cursor").isNull()) {
                return seen;
            }
            cursor = "&cursor=" + r.json().get("next_cursor").asText();
        }
        throw new AssertionError("more than 10 pages for " + filter + ": " + seen);
    }

    @Test
    void badLogFiltersAreRefusedWithMessages() {
        assertBad("/admin/v1/requests?status=abc", "Query 'status' must be ok, error or a status code such as 429, got 'abc'");
        assertBad("/admin/v1/requests?status=600", "got '600'");
        assertBad("/admin/v1/requests?status=OK", "got 'OK'");
        assertBad("/admin/v1/requests?until=yesterday", "Query 'until' must be an ISO-8601 instant such as 2026-11-25T00:00:00Z, got 'yesterday'");
        assertBad("/admin/v1/requests?since=2026-13-01", "Query 'since' must be an ISO-8601 instant");
        assertBad("/admin/v1/requests?basket=cheap", "Query 'basket' must be tool, simple, complex or streaming, got 'cheap'");
        assertThat(router.send("GET", "/admin/v1/requests?status=error", null, Map.of()).status()).isEqualTo(401);
    }

    private void assertBad(String path, String message) {
        Reply r = admin(path);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(r.json().get("message").asText()).contains(message);
    }

    @Test
    void theOperatorsPreviewDecidesLikeTheConsumersAndCallsNoProvider() {
        int openaiBefore = openai.received().size();
        int moonshotBefore = moonshot.received().size();
        String auto = body("hpprouter/auto", "").replace("Hello there", LONG_PROMPT);
        Reply r = router.admin("POST", "/admin/v1/routing/preview", auto);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode d = r.json();
        assertThat(d.get("resolved_model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(d.get("basket").asText()).isEqualTo("complex");
        assertThat(d.get("rule_id").asText()).isEqualTo("complex-t1");
        assertThat(d.get("rules_version").asLong()).isEqualTo(1);
        assertThat(d.get("tier").asText()).isEqualTo("T1");
        Reply consumers = router.send("POST", "/api/route-preview", auto, Map.of("apikey", alice.key()));
        assertThat(consumers.status()).as(consumers.body()).isEqualTo(200);
        for (String field : List.of("resolved_model", "basket", "rule_id", "rules_version", "tier", "estimated_input_tokens")) {
            assertThat(d.get(field)).as(field).isEqualTo(consumers.json().get(field));
        }

        Reply other = router.admin("POST", "/admin/v1/routing/preview", body("openai/gpt-4o", ""));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(other.json().get("message").asText()).isEqualTo("Route preview is for model hpprouter/auto, got 'openai/gpt-4o'");
        assertThat(router.send("POST", "/admin/v1/routing/preview", auto, Map.of()).status()).isEqualTo(401);
        Reply withKey = router.send("POST", "/admin/v1/routing/preview", auto, Map.of("Authorization", "Bearer " + alice.key()));
        assertThat(withKey.status()).isEqualTo(401);
        assertThat(withKey.json().get("error").asText()).isEqualTo("unauthorized");

        assertThat(openai.received()).hasSize(openaiBefore);
        assertThat(moonshot.received()).hasSize(moonshotBefore);
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        assertThat(log("&key_id=" + alice.keyId())).hasSize(3); // nothing logged or charged for a preview
    }
}
