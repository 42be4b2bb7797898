package io.hpp.router.playground;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogType;

/**
 * The operator console in real headless Chromium (Debian's chromium + chromium-driver) against a router and a fake
 * provider: sign-in (a wrong token refused), a consumer created, topped up and given a key; a chat request with that
 * key seen in Requests and in the Overview's chart; the key given a budget and an allow-list (a bad budget refused with
 * the API's message), then rotated and revoked; an invalid ruleset refused with the
 * API's message, then a valid one published and diffed; no sideways scrolling at 390 px. Screenshots of every tab go
 * to target/screenshots/console-*.png.
 */
class ConsoleBrowserTest extends ConsoleBrowserBase {

    @BeforeAll
    static void start() throws IOException {
        open("sk-console", "console");
    }

    private static int quotaCheck(String key) {
        return router.get("/api/quota-check", Map.of("apikey", key)).status();
    }

    @Test
    void theConsoleIsServedWithAStrictPolicy() {
        TestRouter.Reply page = router.get("/console", Map.of());
        assertThat(page.status()).isEqualTo(200);
        String csp = page.header("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("https:");
        assertThat(page.header("Referrer-Policy")).contains("no-referrer");
        assertThat(page.body()).contains("<script src=\"/console/app.js\"></script>").doesNotContain("http://", "https://");
        assertThat(router.get("/console/app.js", Map.of()).header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    }

    @Test
    void anOperatorRunsTheRouterFromTheConsole() throws IOException {
        browser.get(router.baseUrl() + "/console");
        type("admin-token", "not-the-admin-token");
        click("signin-submit");
        waiting().until(d -> text("signin-status").contains("Invalid admin token"));
        assertThat(browser.findElement(By.id("tabs")).isDisplayed()).isFalse();
        assertThat(js("return sessionStorage.getItem('hpp-router-admin-token')")).as("a refused token is not kept").isNull();
        shot("signin-refused");

        type("admin-token", TestRouter.ADMIN_TOKEN);
        click("signin-submit");
        waiting().until(d -> browser.findElement(By.id("tab-overview")).isDisplayed());
        assertThat(js("return sessionStorage.getItem('hpp-router-admin-token')")).isEqualTo(TestRouter.ADMIN_TOKEN);
        assertThat(js("return localStorage.length")).as("nothing in storage that outlives the tab").isEqualTo(0L);

        String[] key = createConsumerTopUpAndIssueKey();
        String consumerId = key[0];
        chatWithTheKeyAndSeeItInRequestsAndOverview(consumerId, key[1]);
        editKeySettings(consumerId, key[1]);
        rotateAndRevoke(key[1]);
        publishRulesets();

        tab("models");
        waiting().until(d -> text("m-models").contains("openai/gpt-5"));
        assertThat(text("m-models")).contains("1.25", "openai:gpt-5 (healthy)", "(provider not configured)");
        waiting().until(d -> text("m-providers").contains("anthropic"));
        shot("models");

        Object foreign = js("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => !n.startsWith(location.origin + '/'))");
        assertThat((List<?>) foreign).as("no request leaves the router's origin").isEmpty();
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as("no Content Security Policy violation")
                .noneSatisfy(e -> assertThat(e.getMessage()).contains("Content Security Policy"));

        browser.manage().window().setSize(new Dimension(390, 1400));
        for (String t : List.of("overview", "consumers", "requests", "models", "routing")) {
            tab(t);
            waiting().until(d -> browser.findElement(By.id("tab-" + t)).isDisplayed());
            Object width = js("return document.documentElement.scrollWidth");
            assertThat(((Number) width).intValue()).as("no sideways scrolling at 390 px on " + t).isLessThanOrEqualTo(390);
        }
        shot("narrow-routing");
        tab("overview");
        shot("narrow-overview");
        browser.manage().window().setSize(new Dimension(1280, 1600));
    }

    /** Returns {consumer id, key}. */
    private String[] createConsumerTopUpAndIssueKey() throws IOException {
        tab("consumers");
        type("c-username", "console-carol");
        type("c-quota", "2");
        click("c-create-submit");
        waiting().until(d -> text("c-status").startsWith("Consumer "));
        String consumerId = text("c-status").replace("Consumer ", "").replace(" created.", "");
        waiting().until(d -> text("cd-quota").equals("$2.00"));
        JsonNode stored = router.admin("GET", "/admin/v1/consumers/" + consumerId, null).json();
        assertThat(stored.get("username").asText()).isEqualTo("console-carol");
        assertThat(stored.get("quota").decimalValue()).isEqualByComparingTo("2");

        type("cd-add", "3.5");
        click("cd-add-submit");
        waiting().until(d -> text("cd-quota").equals("$5.50"));
        assertThat(router.admin("GET", "/admin/v1/consumers/" + consumerId, null).json().get("quota").decimalValue())
                .isEqualByComparingTo("5.5");

        type("cd-rpm", "abc");
        click("cd-limits-submit");
        waiting().until(d -> text("c-status").contains("requests_per_minute"));
        type("cd-rpm", "60");
        click("cd-limits-submit");
        waiting().until(d -> text("cd-limits").equals("60 requests/min"));
        JsonNode limits = router.admin("GET", "/admin/v1/consumers/" + consumerId, null).json().get("rate_limits");
        assertThat(limits.get("requests_per_minute").asLong()).isEqualTo(60);
        assertThat(limits.get("tokens_per_minute").isNull()).isTrue();

        type("c-query", "console-carol");
        browser.findElement(By.cssSelector("#c-search button")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#c-list tbody tr[data-id]")).size() == 1);

        type("cd-key-name", "ci-agent");
        click("cd-issue");
        waiting().until(d -> text("cd-newkey-value").startsWith("hpp_"));
        String key = text("cd-newkey-value");
        assertThat(quotaCheck(key)).as("the key shown works").isEqualTo(200);
        waiting().until(d -> text("cd-keys").contains("ci-agent"));
        assertThat(browser.findElement(By.id("cd-copy")).isDisplayed()).isTrue();
        shot("consumers");
        return new String[] {consumerId, key};
    }

    private void chatWithTheKeyAndSeeItInRequestsAndOverview(String consumerId, String key) throws IOException {
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "Hi operator", 1000, 500, 0)));
        TestRouter.Reply chat = router.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", Map.of("apikey", key));
        assertThat(chat.status()).isEqualTo(200);
        assertThat(fake.last().json().get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(fake.last().header("Authorization")).isEqualTo("Bearer sk-console");
        assertThat(router.app().flushRequestLog(5000)).isTrue();

        // 1000 × $0.15/M + 500 × $0.60/M = $0.00045
        tab("requests");
        type("r-consumer", consumerId);
        browser.findElement(By.cssSelector("#r-filter button")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#r-list tbody tr[data-id]")).size() == 1);
        WebElement row = browser.findElement(By.cssSelector("#r-list tbody tr[data-id]"));
        assertThat(row.findElement(By.cssSelector("td.cost")).getText()).isEqualTo("$0.000450");
        assertThat(row.getText()).contains("openai/gpt-4o-mini", "200", "1000 / 500");
        row.click();
        waiting().until(d -> browser.findElement(By.id("r-detail")).isDisplayed());
        assertThat(text("rd-fields")).contains(consumerId, "Cost", "$0.000450");
        shot("requests");

        tab("overview");
        waiting().until(d -> text("ov-requests").equals("1"));
        assertThat(text("ov-spend")).isEqualTo("$0.000450");
        Object bars = js("return Array.from(document.querySelectorAll('#ov-chart-requests rect.bar:not(.err)'))"
                + ".reduce((a, r) => a + Number(r.dataset.value), 0)");
        assertThat(((Number) bars).intValue()).as("the requests chart holds the request").isEqualTo(1);
        Object count = js("return document.querySelectorAll('#ov-chart-spend rect.bar').length");
        assertThat(((Number) count).intValue()).as("an hour bar for each hour of the last day").isBetween(24, 25);
        assertThat(text("ov-top-consumers")).contains(consumerId);
        assertThat(text("ov-top-models")).contains("openai/gpt-4o-mini");
        shot("overview");
    }

    /** Edit opens the key's form: a bad budget shows the API's 400 message; a budget and an allow-list are saved. */
    private void editKeySettings(String consumerId, String key) throws IOException {
        tab("consumers");
        waiting().until(d -> d.findElement(By.cssSelector("#cd-keys button[data-action=edit]"))).click();
        waiting().until(d -> browser.findElement(By.id("ke-form")).isDisplayed());
        String keyId = browser.findElement(By.cssSelector("#cd-keys tbody tr[data-key]")).getAttribute("data-key");
        assertThat(browser.findElement(By.id("ke-models")).getAttribute("value")).isEmpty();
        type("ke-budget", "-1");
        click("ke-save");
        waiting().until(d -> text("ke-status").contains("Field 'budget' must be >= 0"));
        assertThat(keyJson(consumerId, keyId).get("budget").isNull()).as("a refused edit changes nothing").isTrue();

        type("ke-budget", "2.5");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("ke-period"))).selectByValue("monthly");
        type("ke-models", "openai/gpt-4o-mini, anthropic/*");
        click("ke-save");
        waiting().until(d -> text("c-status").contains("saved"));
        WebElement row = waiting().until(d -> d.findElement(By.cssSelector("#cd-keys tbody tr[data-key='" + keyId + "']")));
        waiting().until(d -> row.findElement(By.cssSelector("td[data-col=budget]")).getText().equals("$2.50 monthly"));
        assertThat(browser.findElement(By.cssSelector("#cd-keys tbody tr[data-key='" + keyId + "'] td[data-col=models]")).getText())
                .isEqualTo("openai/gpt-4o-mini, anthropic/*");
        assertThat(browser.findElement(By.id("ke-form")).isDisplayed()).isFalse();
        JsonNode saved = keyJson(consumerId, keyId);
        assertThat(saved.get("budget").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(saved.get("budget_period").asText()).isEqualTo("monthly");
        assertThat(saved.get("allowed_models").toString()).isEqualTo("[\"openai/gpt-4o-mini\",\"anthropic/*\"]");
        assertThat(saved.get("disabled").asBoolean()).isFalse();

        // the allow-list holds: a model outside it is refused before any provider is called
        int before = fake.received().size();
        TestRouter.Reply refused = router.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", Map.of("apikey", key));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("model_not_allowed");
        assertThat(fake.received()).hasSize(before);
        shot("key-edit");
    }

    private static JsonNode keyJson(String consumerId, String keyId) {
        for (JsonNode k : router.admin("GET", "/admin/v1/consumers/" + consumerId + "/keys", null).json().get("data")) {
            if (k.get("key_id").asText().equals(keyId)) {
                return k;
            }
        }
        throw new AssertionError("no key " + keyId);
    }

    private void rotateAndRevoke(String key) {
        tab("consumers");
        WebElement rotate = waiting().until(d -> d.findElement(By.cssSelector("#cd-keys button[data-action=rotate]")));
        rotate.click();
        waiting().until(d -> text("c-status").contains("rotated"));
        String rotated = text("cd-newkey-value");
        assertThat(rotated).startsWith("hpp_").isNotEqualTo(key);
        assertThat(quotaCheck(key)).as("the old secret is refused").isEqualTo(401);
        assertThat(quotaCheck(rotated)).isEqualTo(200);

        waiting().until(d -> d.findElement(By.cssSelector("#cd-keys button[data-action=revoke]"))).click();
        browser.switchTo().alert().accept();
        waiting().until(d -> text("c-status").contains("revoked"));
        waiting().until(d -> text("cd-keys").contains("revoked"));
        assertThat(quotaCheck(rotated)).as("a revoked key is refused").isEqualTo(401);
    }

    private void publishRulesets() throws IOException {
        tab("routing");
        waiting().until(d -> !browser.findElement(By.id("rs-editor")).getAttribute("value").isEmpty());
        String original = browser.findElement(By.id("rs-editor")).getAttribute("value");
        assertThat(original).contains("\"max_input_tokens\": 200");

        js("document.getElementById('rs-editor').value = '{ not json'");
        click("rs-publish");
        waiting().until(d -> text("rs-status").startsWith("Not valid JSON"));

        ((JavascriptExecutor) browser).executeScript("document.getElementById('rs-editor').value = arguments[0]",
                original.replace("anthropic/claude-sonnet-4", "nope/none"));
        click("rs-publish");
        waiting().until(d -> text("rs-status").contains("Invalid ruleset"));
        assertThat(text("rs-status")).contains("model 'nope/none' is not in the catalog");
        assertThat(router.admin("GET", "/admin/v1/routing/rulesets", null).json().get("data")).as("nothing published").hasSize(1);

        ((JavascriptExecutor) browser).executeScript("document.getElementById('rs-editor').value = arguments[0]",
                original.replace("\"max_input_tokens\": 200", "\"max_input_tokens\": 300"));
        click("rs-publish");
        waiting().until(d -> text("rs-status").contains("Published and activated version 2"));
        JsonNode versions = router.admin("GET", "/admin/v1/routing/rulesets", null).json().get("data");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(1).get("active").asBoolean()).isTrue();
        assertThat(versions.get(1).get("ruleset").get("simple").get("max_input_tokens").asInt()).isEqualTo(300);

        waiting().until(d -> d.findElements(By.cssSelector("#rs-a option")).size() == 2);
        click("rs-diff");
        waiting().until(d -> !d.findElements(By.cssSelector("#rs-diff-out .add")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#rs-diff-out .del")).getText()).contains("\"max_input_tokens\": 200");
        assertThat(browser.findElement(By.cssSelector("#rs-diff-out .add")).getText()).contains("\"max_input_tokens\": 300");
        assertThat(browser.findElements(By.cssSelector("#rs-diff-out .add, #rs-diff-out .del"))).hasSize(2);

        // roll back: version 1 active again
        browser.findElement(By.cssSelector("#rs-list tr[data-version='1'] button")).click();
        waiting().until(d -> text("rs-status").equals("Version 1 is active."));
        JsonNode after = router.admin("GET", "/admin/v1/routing/rulesets", null).json().get("data");
        assertThat(after.get(0).get("active").asBoolean()).isTrue();
        assertThat(after.get(1).get("active").asBoolean()).isFalse();
        waiting().until(d -> !d.findElements(By.cssSelector("#rs-list tr[data-version='2'] button")).isEmpty());
        shot("routing");
    }
}
