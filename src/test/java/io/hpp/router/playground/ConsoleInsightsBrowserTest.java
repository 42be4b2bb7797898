package io.hpp.router.playground;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's pictures of live traffic in headless Chromium, against a router and a fake provider that took four
 * requests of one key (a chat, an upstream 400, an hpprouter/auto request and one held open): the in-flight and
 * held-quota tiles while that request is under way; the consumer's spend chart and recent requests; the Requests
 * filters (status, model, a bad value) and paging with them; the providers' health table; a route preview of a pasted
 * request; the basket and tier bars. Every number shown is checked against the admin API's own answer. Screenshots go
 * to target/screenshots/console-insights-*.png, at 1280 and at 390 px wide.
 */
class ConsoleInsightsBrowserTest extends ConsoleBrowserBase {
    private static final String HELLO = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @BeforeAll
    static void start() throws IOException {
        open("sk-insights", "console-insights");
    }

    /** The request ids of a table's rows, read in one script (a table redrawn meanwhile leaves no stale element). */
    @SuppressWarnings("unchecked")
    private static List<String> rowIds(String table) {
        return (List<String>) js("return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr[data-id]'))"
                + ".map(r => r.dataset.id)", table);
    }

    /** The admin API's answer to a GET, checked against its schema in the OpenAPI document. */
    private static JsonNode adminJson(String path, String schema) {
        TestRouter.Reply r = router.admin("GET", path, null);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(OpenApi.errors(schema, r.json())).as(path + " answers as " + schema + " documents").isEmpty();
        return r.json();
    }

    private static String requestId(TestRouter.Reply r) {
        return r.header("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
    }

    @Test
    void theConsoleShowsLiveTrafficFiltersItAndPreviewsARoute() throws Exception {
        TestRouter.Customer dana = router.customer("5");
        Map<String, String> auth = Map.of("apikey", dana.key());
        List<String> ids = new ArrayList<>();
        List<String> mini = new ArrayList<>(); // the ids of requests that resolved to openai/gpt-4o-mini, oldest first

        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "Hi", 1000, 500, 0)));
        TestRouter.Reply chat = router.send("POST", "/llm/v1/chat/completions", HELLO.formatted("openai/gpt-4o-mini"), auth);
        assertThat(chat.status()).isEqualTo(200);
        ids.add(requestId(chat));
        mini.add(requestId(chat));

        fake.enqueue(FakeProvider.json(400, OpenAiWire.BAD_REQUEST));
        TestRouter.Reply failed = router.send("POST", "/llm/v1/chat/completions", HELLO.formatted("openai/gpt-5"), auth);
        assertThat(failed.status()).isEqualTo(400);
        assertThat(fake.last().json().get("model").asText()).isEqualTo("gpt-5");
        ids.add(requestId(failed));

        // past the simple basket's 200 input tokens: complex, at a tier
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("auto-upstream", "Hi", 300, 10, 0)));
        String question = "{\"model\":\"hpprouter/auto\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "Why is the sky blue and not green? ".repeat(40) + "\"}]}";
        TestRouter.Reply auto = router.send("POST", "/llm/v1/chat/completions", question, auth);
        assertThat(auto.status()).isEqualTo(200);
        String basket = auto.header("X-HPP-Router-Basket").orElseThrow();
        String tier = auto.header("X-HPP-Router-Tier").orElseThrow();
        assertThat(basket).isEqualTo("complex");
        String autoModel = auto.header("X-HPP-Router-Resolved-Model").orElseThrow();
        assertThat(fake.last().json().get("model").asText()).isEqualTo(autoModel.substring(autoModel.indexOf('/') + 1));
        ids.add(requestId(auto));
        if (autoModel.equals("openai/gpt-4o-mini")) {
            mini.add(requestId(auto));
        }

        signIn();
        ids.add(heldRequestShowsInTheTiles(auth));
        mini.add(ids.getLast());
        assertThat(router.app().flushRequestLog(5000)).isTrue();

        consumerChartAndRecentRequests(dana, ids);
        requestFilters(dana, ids, mini.reversed());
        providerHealth();
        routePreviewAndTraffic(basket, tier);

        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as("no Content Security Policy violation")
                .noneSatisfy(e -> assertThat(e.getMessage()).contains("Content Security Policy"));
        narrowPages();
    }

    private static void signIn() {
        browser.get(router.baseUrl() + "/console");
        type("admin-token", TestRouter.ADMIN_TOKEN);
        click("signin-submit");
        waiting().until(d -> browser.findElement(By.id("tab-overview")).isDisplayed());
    }

    /** Refreshes the overview until {@code shown} holds (at most the wait's 15 s). */
    private static void refreshOverviewUntil(java.util.function.BooleanSupplier shown) {
        waiting().until(d -> {
            if (shown.getAsBoolean()) {
                return true;
            }
            click("ov-refresh");
            return false;
        });
    }

    /**
     * A request held open upstream is in flight and holds quota, a slow upload is only in flight; once answered and closed,
     * neither. Returns the held request's id.
     */
    private String heldRequestShowsInTheTiles(Map<String, String> auth) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int before = fake.received().size();
        fake.enqueue((req, ex) -> {
            release.await(20, TimeUnit.SECONDS); // bounded: the test goes on (and fails) rather than hang
            FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "late", 200, 100, 0)).answer(req, ex);
        });
        CompletableFuture<TestRouter.Reply> held = CompletableFuture.supplyAsync(
                () -> router.send("POST", "/llm/v1/chat/completions", HELLO.formatted("openai/gpt-4o-mini"), auth));
        // and an admin request whose body is still on its way: in flight on this node, without any quota held
        try (Socket slow = new Socket("127.0.0.1", URI.create(router.baseUrl()).getPort())) {
            slow.setSoTimeout(20_000);
            slow.getOutputStream().write(("POST /admin/v1/routing/preview HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TestRouter.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{\"model\":")
                    .getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            waiting().until(d -> fake.received().size() > before);
            refreshOverviewUntil(() -> text("ov-holds").equals("1") && text("ov-inflight").equals("2"));
            assertThat(text("ov-upstream")).as("only the held request is at a provider").isEqualTo("1");
            JsonNode during = adminJson("/admin/v1/stats/now", "AdminStatsNow");
            assertThat(during.get("in_flight").asInt()).as("the held and the slow request (not the asking one)").isEqualTo(2);
            assertThat(during.get("upstream_in_flight").asInt()).isEqualTo(1);
            assertThat(text("ov-held")).matches("\\$\\d+\\.\\d+").isNotEqualTo("$0.00");
            assertThat(new BigDecimal(text("ov-held").substring(1))).isPositive();
            assertThat(during.get("holds").asInt()).isEqualTo(Integer.parseInt(text("ov-holds")));
            assertThat(during.get("held").decimalValue()).isPositive();
            shot("overview-in-flight");
        } finally {
            release.countDown();
        }
        TestRouter.Reply reply = held.get(30, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(200);
        refreshOverviewUntil(() -> text("ov-holds").equals("0") && text("ov-inflight").equals("0")); // the slow one closed too
        assertThat(text("ov-upstream")).isEqualTo("0");
        assertThat(text("ov-held")).isEqualTo("$0.00");
        waiting().until(d -> text("ov-top-providers").contains("openai"));
        return requestId(reply);
    }

    /** The consumer's chart sums to what it spent; its recent requests are exactly the four, newest first, with the key. */
    private void consumerChartAndRecentRequests(TestRouter.Customer dana, List<String> ids) throws IOException {
        tab("consumers");
        type("c-query", dana.id());
        browser.findElement(By.cssSelector("#c-search button")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#c-list tbody tr[data-id]")).size() == 1);
        browser.findElement(By.cssSelector("#c-list tbody tr[data-id]")).click();
        waiting().until(d -> rowIds("cd-recent").size() == 4);
        assertThat(rowIds("cd-recent")).containsExactlyElementsOf(ids.reversed());
        assertThat(text("cd-recent")).contains(dana.keyId(), "$0.000450", "400");
        BigDecimal used = adminJson("/admin/v1/consumers/" + dana.id(), "AdminConsumer").get("used").decimalValue();
        assertThat(used).isPositive();
        Number charted = (Number) js("return Array.from(document.querySelectorAll('#cd-chart rect.bar'))"
                + ".reduce((a, r) => a + Number(r.dataset.value), 0)");
        assertThat(charted.doubleValue()).as("the spend chart holds what the consumer spent").isCloseTo(used.doubleValue(),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(browser.findElements(By.cssSelector("#cd-chart rect.bar"))).hasSizeBetween(24, 25);
        new Select(browser.findElement(By.id("cd-range"))).selectByValue("day");
        waiting().until(d -> d.findElements(By.cssSelector("#cd-chart rect.bar")).size() <= 32);
        shot("consumer");
    }

    private void requestFilters(TestRouter.Customer dana, List<String> ids, List<String> miniNewestFirst) throws IOException {
        tab("requests");
        type("r-consumer", dana.id());
        click("r-apply");
        waiting().until(d -> rowIds("r-list").size() == 4);

        type("r-status", "error");
        click("r-apply");
        waiting().until(d -> rowIds("r-list").size() == 1);
        assertThat(rowIds("r-list")).containsExactly(ids.get(1));
        assertThat(adminJson("/admin/v1/requests?consumer_id=" + dana.id() + "&status=error", "AdminRequestPage").get("data"))
                .hasSize(1);
        assertThat(browser.findElement(By.cssSelector("#r-list tbody tr[data-id] td.status")).getText()).isEqualTo("400");
        assertThat(text("r-status-line")).contains("1 request shown", "status");
        shot("requests-errors");

        type("r-status", "abc");
        click("r-apply");
        waiting().until(d -> text("r-status-line").contains("status"));
        assertThat(browser.findElement(By.id("r-status-line")).getAttribute("class")).isEqualTo("error");
        assertThat(router.admin("GET", "/admin/v1/requests?status=abc", null).status()).isEqualTo(400);

        // model (resolved or requested): pages of one request, the filters kept when paging on
        browser.findElement(By.id("r-status")).clear();
        type("r-model", "openai/gpt-4o-mini");
        js("state.requestPageSize = 1");
        click("r-apply");
        waiting().until(d -> rowIds("r-list").size() == 1 && browser.findElement(By.id("r-more")).isDisplayed());
        for (int page = 2; page <= miniNewestFirst.size(); page++) {
            int rows = page;
            click("r-more");
            waiting().until(d -> rowIds("r-list").size() == rows);
        }
        if (browser.findElement(By.id("r-more")).isDisplayed()) {
            click("r-more"); // the cursor of a full last page: the next one is empty
            waiting().until(d -> !browser.findElement(By.id("r-more")).isDisplayed());
        }
        assertThat(rowIds("r-list")).containsExactlyElementsOf(miniNewestFirst);
        JsonNode api = adminJson("/admin/v1/requests?consumer_id=" + dana.id() + "&model=openai/gpt-4o-mini", "AdminRequestPage");
        assertThat(api.get("data")).hasSize(miniNewestFirst.size());
        js("state.requestPageSize = 50");
        browser.findElement(By.cssSelector("#r-list tbody tr[data-id='" + ids.get(3) + "']")).click();
        waiting().until(d -> browser.findElement(By.id("r-detail")).isDisplayed());
        assertThat(text("rd-fields")).contains(dana.keyId(), "openai:gpt-4o-mini");
        shot("requests-model");
        click("r-clear");
        waiting().until(d -> text("r-status-line").endsWith("shown"));
    }

    private void providerHealth() throws IOException {
        tab("models");
        WebElement openai = waiting().until(d -> d.findElement(By.cssSelector("#m-health tr[data-provider=openai]")));
        JsonNode api = null;
        for (JsonNode p : adminJson("/admin/v1/stats/providers", "AdminStatsProviders").get("data")) {
            if (p.get("provider").asText().equals("openai")) {
                api = p;
            }
        }
        assertThat(api).as("openai in /stats/providers").isNotNull();
        assertThat(api.get("requests").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(openai.findElement(By.cssSelector("td[data-col=requests]")).getText()).isEqualTo(api.get("requests").asText());
        assertThat(openai.findElement(By.cssSelector("td[data-col=latency]")).getText()).matches("\\d+ / \\d+ / \\d+");
        assertThat(openai.findElement(By.cssSelector("td[data-col=circuits]")).getText())
                .isEqualTo(api.at("/circuits/closed").asInt() + " closed, 0 open, 0 half-open");
        assertThat(text("m-health")).contains("anthropic");
        waiting().until(d -> text("m-models").contains("openai:gpt-5 (healthy)"));
        shot("models");
    }

    private void routePreviewAndTraffic(String basket, String tier) throws IOException {
        tab("routing");
        String pasted = "{\"model\":\"hpprouter/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"Translate to French: good morning\"}]}";
        TestRouter.Reply decision = router.admin("POST", "/admin/v1/routing/preview", pasted);
        assertThat(decision.status()).as(decision.body()).isEqualTo(200);
        assertThat(OpenApi.errors("RoutePreviewResponse", decision.json())).isEmpty();
        js("document.getElementById('rp-input').value = arguments[0]", pasted);
        click("rp-submit");
        waiting().until(d -> text("rp-status").startsWith("Routed to"));
        String resolved = decision.json().get("resolved_model").asText();
        assertThat(browser.findElement(By.cssSelector("#rp-out dd[data-field='Resolved model']")).getText()).isEqualTo(resolved);
        assertThat(browser.findElement(By.cssSelector("#rp-out dd[data-field='Basket']")).getText())
                .isEqualTo(decision.json().get("basket").asText());

        js("document.getElementById('rp-input').value = arguments[0]", HELLO.formatted("openai/gpt-5"));
        click("rp-submit");
        waiting().until(d -> browser.findElement(By.id("rp-status")).getAttribute("class").equals("error"));
        assertThat(text("rp-status")).contains("hpprouter/auto");
        assertThat(browser.findElements(By.cssSelector("#rp-out dd"))).isEmpty();

        WebElement bar = waiting().until(d -> d.findElement(By.cssSelector("#rs-baskets rect[data-key='" + basket + "']")));
        assertThat(Integer.parseInt(bar.getAttribute("data-requests"))).isEqualTo(1);
        WebElement tierBar = browser.findElement(By.cssSelector("#rs-tiers rect[data-key='" + tier + "']"));
        assertThat(Integer.parseInt(tierBar.getAttribute("data-requests"))).isEqualTo(1);
        JsonNode tiers = adminJson("/admin/v1/stats/top?by=tier", "AdminStatsTop");
        assertThat(browser.findElements(By.cssSelector("#rs-tiers rect[data-requests]"))).hasSize(tiers.get("data").size());
        js("document.getElementById('rp-input').value = arguments[0]", pasted);
        click("rp-submit");
        waiting().until(d -> text("rp-status").startsWith("Routed to"));
        shot("routing");
    }

    private void narrowPages() throws IOException {
        browser.manage().window().setSize(new Dimension(390, 1400));
        for (String t : List.of("overview", "consumers", "requests", "models", "routing")) {
            tab(t);
            waiting().until(d -> browser.findElement(By.id("tab-" + t)).isDisplayed());
            Object width = js("return document.documentElement.scrollWidth");
            assertThat(((Number) width).intValue()).as("no sideways scrolling at 390 px on " + t).isLessThanOrEqualTo(390);
            shot("narrow-" + t);
        }
        browser.manage().window().setSize(new Dimension(1280, 1600));
    }
}
