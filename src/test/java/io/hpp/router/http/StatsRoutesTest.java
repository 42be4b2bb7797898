package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Settlement;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Reply;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The stats endpoints over a log written at known times: each bucket holds exactly its rows, the totals equal the
 * log's (as the request log endpoint lists it), the top lists are ordered by spend, and the bounds are enforced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatsRoutesTest {
    private static final long HOUR = 3_600_000L;
    private TestRouter router;
    private TestRouter.Customer alice;
    private TestRouter.Customer bob;
    /** The start of the hour three hours ago: rows go into it and the two hours after it. */
    private Instant base;
    private final List<RequestLogEntry> rows = new ArrayList<>();

    /** The router's environment beyond the test defaults (SQLite); the PostgreSQL variant names its database. */
    Map<String, String> env() {
        return Map.of();
    }

    @BeforeAll
    void start() {
        router = TestRouter.start(env());
        alice = router.customer("100");
        bob = router.customer("100");
        base = Instant.ofEpochMilli((System.currentTimeMillis() / HOUR - 3) * HOUR);
        rows.add(row(alice, "openai/gpt-5", 0, 1_500_000_000L, 100, 20, 200, Optional.empty()));
        rows.add(row(alice, "openai/gpt-5", 1_000, 250_000_000L, 10, 5, 200, Optional.of(900_000_000L)));
        rows.add(row(bob, "anthropic/claude-sonnet-4", HOUR + 7, 3_000_000_000L, 1000, 200, 200, Optional.empty()));
        rows.add(row(bob, "openai/gpt-4o-mini", HOUR + 9, 0L, 0, 0, 500, Optional.empty()));
        rows.add(row(alice, "openai/gpt-4o-mini", 2 * HOUR + HOUR - 1, 40_000L, 7, 3, 200, Optional.of(100_000L)));
        int applied = router.app().store().settle(rows.stream().map(e -> new Settlement(Optional.empty(), e)).toList());
        assertThat(applied).isEqualTo(rows.size());
    }

    @AfterAll
    void stop() {
        router.close();
    }

    private RequestLogEntry row(TestRouter.Customer c, String model, long offsetMillis, long costNanos, long prompt, long completion,
                                       int status, Optional<Long> baselineNanos) {
        String id = io.hpp.router.common.Ids.uuid();
        boolean auto = baselineNanos.isPresent();
        return new RequestLogEntry(id, c.id(), c.keyId(), auto ? "hpprouter/auto" : model, Optional.of(model),
                auto ? Optional.of("simple") : Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                new TokenUsage(prompt, completion, 0, 0), new Money(costNanos), status,
                status >= 400 ? Optional.of("upstream_error") : Optional.empty(), false, 10, Optional.empty(),
                base.plusMillis(offsetMillis), new RequestLogEntry.Meta(id, "chat", Optional.empty(), baselineNanos.map(Money::new)));
    }

    private Reply admin(String path) {
        return router.admin("GET", path, null);
    }

    @Test
    void eachHourHoldsExactlyItsRowsAndTheTotalsEqualTheLogs() {
        Reply r = admin("/admin/v1/stats/timeseries?bucket=hour&since=" + base + "&until=" + base.plus(Duration.ofHours(4)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(OpenApi.errors("AdminStatsTimeseries", r.json())).isEmpty();
        JsonNode data = r.json().get("data");
        assertThat(data).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(data.get(i).get("bucket_start").asText()).isEqualTo(base.plus(Duration.ofHours(i)).toString());
        }
        assertThat(data.get(0).get("requests").asLong()).isEqualTo(2);
        assertThat(data.get(0).get("tokens").asLong()).isEqualTo(135);
        assertThat(data.get(0).get("spend").decimalValue()).isEqualByComparingTo("1.75");
        assertThat(data.get(0).get("saved").decimalValue()).isEqualByComparingTo("0.65");
        assertThat(data.get(1).get("requests").asLong()).isEqualTo(2);
        assertThat(data.get(1).get("errors").asLong()).isEqualTo(1);
        assertThat(data.get(1).get("spend").decimalValue()).isEqualByComparingTo("3");
        assertThat(data.get(2).get("requests").asLong()).isEqualTo(1);
        assertThat(data.get(2).get("spend").decimalValue()).isEqualByComparingTo("0.00004");
        assertThat(data.get(3).get("requests").asLong()).isZero();
        assertThat(data.get(3).get("spend").decimalValue()).isEqualByComparingTo("0");

        // the same totals as the request log lists for the window
        JsonNode log = admin("/admin/v1/requests?since=" + base + "&limit=500").json().get("data");
        assertThat(log).hasSize(rows.size());
        BigDecimal logSpend = BigDecimal.ZERO;
        long logTokens = 0;
        for (JsonNode e : log) {
            logSpend = logSpend.add(e.get("cost").decimalValue());
            logTokens += e.get("tokens").get("prompt").asLong() + e.get("tokens").get("completion").asLong();
        }
        BigDecimal spend = BigDecimal.ZERO;
        long tokens = 0;
        long requests = 0;
        for (JsonNode b : data) {
            spend = spend.add(b.get("spend").decimalValue());
            tokens += b.get("tokens").asLong();
            requests += b.get("requests").asLong();
        }
        assertThat(spend).isEqualByComparingTo(logSpend).isEqualByComparingTo("4.75004");
        assertThat(tokens).isEqualTo(logTokens).isEqualTo(1345);
        assertThat(requests).isEqualTo(log.size());
    }

    @Test
    void oneConsumersSeriesAndDailyBucketsHoldOnlyTheirRows() {
        JsonNode bobs = admin("/admin/v1/stats/timeseries?bucket=hour&since=" + base + "&until=" + base.plus(Duration.ofHours(3))
                + "&consumer_id=" + bob.id()).json().get("data");
        assertThat(bobs).hasSize(3);
        assertThat(bobs.get(0).get("requests").asLong()).isZero();
        assertThat(bobs.get(1).get("requests").asLong()).isEqualTo(2);
        assertThat(bobs.get(2).get("requests").asLong()).isZero();

        Reply days = admin("/admin/v1/stats/timeseries?bucket=day");
        assertThat(days.status()).isEqualTo(200);
        JsonNode data = days.json().get("data");
        assertThat(data.size()).as("30 days back from now touch 30 or 31 UTC days").isBetween(30, 31);
        assertThat(data.get(data.size() - 1).get("bucket_start").asText()).endsWith("T00:00:00Z");
        long requests = 0;
        BigDecimal spend = BigDecimal.ZERO;
        for (JsonNode d : data) {
            requests += d.get("requests").asLong();
            spend = spend.add(d.get("spend").decimalValue());
        }
        assertThat(requests).isEqualTo(rows.size());
        assertThat(spend).isEqualByComparingTo("4.75004");
    }

    @Test
    void topListsAreOrderedBySpend() {
        String window = "&since=" + base + "&until=" + base.plus(Duration.ofHours(4));
        Reply consumers = admin("/admin/v1/stats/top?by=consumer" + window);
        assertThat(OpenApi.errors("AdminStatsTop", consumers.json())).isEmpty();
        JsonNode c = consumers.json().get("data");
        assertThat(c).hasSize(2);
        assertThat(c.get(0).get("key").asText()).isEqualTo(bob.id());
        assertThat(c.get(0).get("spend").decimalValue()).isEqualByComparingTo("3");
        assertThat(c.get(1).get("key").asText()).isEqualTo(alice.id());
        assertThat(c.get(1).get("requests").asLong()).isEqualTo(3);
        assertThat(c.get(1).get("spend").decimalValue()).isEqualByComparingTo("1.75004");

        JsonNode models = admin("/admin/v1/stats/top?by=model&limit=2" + window).json().get("data");
        assertThat(models).hasSize(2);
        assertThat(models.get(0).get("key").asText()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(models.get(1).get("key").asText()).isEqualTo("openai/gpt-5");
        assertThat(models.get(1).get("tokens").asLong()).isEqualTo(135);

        JsonNode keys = admin("/admin/v1/stats/top?by=key" + window).json().get("data");
        assertThat(keys.get(0).get("key").asText()).isEqualTo(bob.keyId());
        JsonNode baskets = admin("/admin/v1/stats/top?by=basket" + window).json().get("data");
        assertThat(baskets).hasSize(1);
        assertThat(baskets.get(0).get("key").asText()).isEqualTo("simple");
        assertThat(baskets.get(0).get("requests").asLong()).isEqualTo(2);
    }

    @Test
    void boundsAreEnforcedWithMessages() {
        Instant old = Instant.now().minus(Duration.ofDays(32));
        assertBad("/admin/v1/stats/timeseries?since=" + old, "Query 'since' must be within the last 31 days");
        assertBad("/admin/v1/stats/top?by=model&since=" + old, "Query 'since' must be within the last 31 days");
        assertBad("/admin/v1/stats/timeseries?since=" + base + "&until=" + base, "must be before 'until'");
        assertBad("/admin/v1/stats/timeseries?since=" + base + "&until=2100-01-01T00:00:00Z", "may span at most 31 days");
        assertBad("/admin/v1/stats/timeseries?bucket=week", "Query 'bucket' must be hour or day, got 'week'");
        assertBad("/admin/v1/stats/timeseries?since=yesterday", "Query 'since' must be an ISO-8601 instant");
        assertBad("/admin/v1/stats/top", "Query 'by' must be consumer, model, key, provider, deployment, basket or tier");
        assertBad("/admin/v1/stats/top?by=region", "got 'region'");
        assertBad("/admin/v1/stats/top?by=model&limit=101", "Query 'limit' must be an integer from 1 to 100");
        assertBad("/admin/v1/stats/top?by=model&limit=0", "Query 'limit' must be an integer from 1 to 100");
        assertThat(admin("/admin/v1/stats/top?by=model&limit=100").status()).isEqualTo(200);
    }

    private void assertBad(String path, String message) {
        Reply r = admin(path);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(r.json().get("message").asText()).contains(message);
    }

    @Test
    void theAdminTokenIsRequired() {
        for (String path : List.of("/admin/v1/stats/timeseries", "/admin/v1/stats/top?by=model")) {
            assertThat(router.send("GET", path, null, Map.of()).status()).isEqualTo(401);
            Reply withKey = router.send("GET", path, null, Map.of("Authorization", "Bearer " + alice.key()));
            assertThat(withKey.status()).isEqualTo(401);
            assertThat(withKey.json().get("error").asText()).isEqualTo("unauthorized");
        }
    }
}
