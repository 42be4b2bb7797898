package io.hpp.router.playground;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.HeadlessChromium;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground in real headless Chromium (Debian's chromium + chromium-driver) against a router and a fake
 * provider: key, streamed chat through hpprouter/auto, routing metadata, cost, quota, route preview, an image, a 401,
 * and the Swagger UI docs. Screenshots go to target/screenshots/.
 */
class PlaygroundBrowserTest {
    private static final Path SHOTS = Path.of("target", "screenshots");
    private static FakeProvider fake;
    private static TestRouter router;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        HeadlessChromium.assumeInstalled();
        fake = new FakeProvider();
        router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-browser"));
        browser = HeadlessChromium.start(1280, 1800, false);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (router != null) {
            router.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void shot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static void useKey(String key) {
        WebElement field = browser.findElement(By.id("api-key"));
        field.clear();
        field.sendKeys(key);
        browser.findElement(By.id("key-save")).click();
    }

    @Test
    void aPersonCanChatGenerateAnImageAndReadErrorsInThePlayground() throws IOException {
        TestRouter.Customer c = router.customer("5");
        browser.get(router.baseUrl() + "/playground");
        useKey(c.key());
        waiting().until(d -> !d.findElements(By.cssSelector("#model option[value='hpprouter/auto']")).isEmpty());
        Select model = new Select(browser.findElement(By.id("model")));
        assertThat(model.getOptions().getFirst().getAttribute("value")).isEqualTo("hpprouter/auto");
        assertThat(model.getOptions()).anySatisfy(o -> assertThat(o.getText()).contains("openai/gpt-5", "$1.25 in / $10 out per 1M"));
        model.selectByValue("hpprouter/auto");

        fake.enqueue(fake.sse(60, OpenAiWire.textStream("gpt-4o-mini", List.of("Hello", " from", " the", " stream"), 14, 4)));
        browser.findElement(By.id("prompt")).sendKeys("Say hello");
        assertThat(browser.findElement(By.id("stream")).isSelected()).isTrue();
        browser.findElement(By.id("send")).click();
        waiting().until(d -> text("answer").equals("Hello from the stream"));
        waiting().until(d -> text("m-cost").startsWith("$"));
        assertThat(text("m-model")).isEqualTo("openai/gpt-4o-mini");
        assertThat(text("m-basket")).isEqualTo("streaming");
        assertThat(text("m-rule")).isEqualTo("stream-fallback");
        assertThat(text("m-version")).isEqualTo("1");
        assertThat(text("m-tokens")).isEqualTo("14 / 4");
        waiting().until(d -> text("q-requests").equals("1"));
        assertThat(text("q-used")).startsWith("$0.0000");
        assertThat(text("error")).isEmpty();
        shot("1-streamed-chat");

        browser.findElement(By.id("preview")).click();
        waiting().until(d -> text("route-preview").contains("hpprouter/auto would use"));

        fake.enqueue(FakeProvider.json(200, OpenAiWire.imagesAnswer(2, 9, 544)));
        browser.findElement(By.id("image-prompt")).sendKeys("a lighthouse at dusk");
        new Select(browser.findElement(By.id("image-n"))).selectByVisibleText("2");
        browser.findElement(By.id("generate")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#images img")).size() == 2);
        Object width = ((JavascriptExecutor) browser).executeScript("return document.querySelector('#images img').naturalWidth");
        assertThat(((Number) width).intValue()).as("the image decoded").isEqualTo(1);
        assertThat(fake.last().json().get("n").asInt()).isEqualTo(2);
        shot("2-image");

        useKey("hpp_wrong.key");
        waiting().until(d -> text("key-status").contains("Invalid API key"));
        shot("3-unauthorized");

        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 1400));
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).intValue()).as("no sideways scrolling on a phone-sized screen").isLessThanOrEqualTo(0);
        shot("5-narrow");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1800));
    }

    @Test
    void theKeysLimitsAndBudgetLeftAreShownAndFollowItsSpend() throws IOException {
        TestRouter.Customer c = router.customer("5");
        String key = router.admin("POST", "/admin/v1/consumers/" + c.id() + "/keys", """
                {"name":"browser-agent","budget":2,"budget_period":"daily","requests_per_minute":30,"tokens_per_minute":5000,
                 "allowed_models":["openai/*","hpprouter/auto"]}""").json().get("key").asText();
        browser.get(router.baseUrl() + "/playground");
        useKey(key);
        waiting().until(d -> text("k-remaining").equals("$2.0"));
        assertThat(text("k-name")).isEqualTo("browser-agent");
        assertThat(text("k-budget")).isEqualTo("$2.0 per day");
        assertThat(text("k-limits")).isEqualTo("30 requests/min, 5000 tokens/min");
        assertThat(text("k-models")).isEqualTo("openai/*, hpprouter/auto");
        assertThat(text("k-resets")).endsWith("T00:00:00Z");
        Select model = new Select(browser.findElement(By.id("model")));
        assertThat(model.getOptions()).allSatisfy(o -> assertThat(o.getAttribute("value")).matches("openai/.*|hpprouter/auto"));

        fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-4o-mini", List.of("ok"), 14, 4)));
        model.selectByValue("hpprouter/auto");
        browser.findElement(By.id("prompt")).sendKeys("Say ok");
        browser.findElement(By.id("send")).click();
        waiting().until(d -> text("answer").equals("ok"));
        // 14 × $0.15/M + 4 × $0.60/M = $0.0000045 spent: the budget left follows once the request settles
        router.app().flushRequestLog(5000);
        browser.findElement(By.id("key-save")).click();
        waiting().until(d -> text("k-remaining").equals("$1.999996"));
        assertThat(text("k-spent")).isEqualTo("$0.000005");
        shot("7-key-limits");
    }

    @Test
    void apiDocsRenderTheRoutersOwnContract() throws IOException {
        browser.get(router.baseUrl() + "/docs");
        waiting().until(d -> !d.findElements(By.cssSelector(".swagger-ui .info .title")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".swagger-ui .info .title")).getText()).contains("HPP Router Consumer API");
        waiting().until(d -> !d.findElements(By.cssSelector("[id^='operations-default-createChatCompletion']")).isEmpty()
                || d.getPageSource().contains("createChatCompletion") || d.getPageSource().contains("/llm/v1/chat/completions"));
        shot("4-docs");

        // "Try it out" against this router, authorised with a consumer key
        TestRouter.Customer c = router.customer("3");
        browser.findElement(By.cssSelector("button.authorize")).click();
        WebElement container = waiting().until(d -> d.findElements(By.cssSelector(".auth-container")).stream()
                .filter(e -> e.getText().contains("ApiKeyAuth")).findFirst().orElse(null));
        container.findElement(By.cssSelector("input")).sendKeys(c.key());
        container.findElement(By.cssSelector("button[type=submit]")).click();
        browser.findElement(By.cssSelector("button.btn-done")).click();
        WebElement op = browser.findElement(By.id("operations-default-checkQuota"));
        op.findElement(By.cssSelector(".opblock-summary")).click();
        // the docs page enables "Try it out" from the start; click it only if this Swagger UI did not
        waiting().until(d -> !op.findElements(By.cssSelector(".try-out__btn")).isEmpty());
        if (op.findElements(By.cssSelector("button.execute")).isEmpty()) {
            op.findElement(By.cssSelector(".try-out__btn")).click();
        }
        waiting().until(d -> !op.findElements(By.cssSelector("button.execute")).isEmpty());
        op.findElement(By.cssSelector("button.execute")).click();
        By status = By.cssSelector(".live-responses-table tbody td.response-col_status");
        waiting().until(d -> !op.findElements(status).isEmpty());
        assertThat(op.findElement(status).getText()).contains("200");
        assertThat(op.findElement(By.cssSelector(".live-responses-table")).getText()).contains("has_quota");
        shot("6-docs-try-it-out");
    }

    @Test
    void apiDocsShowTheAdminApiBesideTheConsumerApi() throws IOException {
        browser.get(router.baseUrl() + "/docs");
        waiting().until(d -> d.findElement(By.cssSelector(".swagger-ui .info .title")).getText().contains("HPP Router Consumer API"));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.cssSelector(".topbar select"))).selectByVisibleText("Admin API");
        waiting().until(d -> d.findElement(By.cssSelector(".swagger-ui .info .title")).getText().contains("HPP Router Admin API"));
        waiting().until(d -> !d.findElements(By.id("operations-default-adminUpdateKey")).isEmpty());
        assertThat(browser.findElements(By.id("operations-default-adminRotateKey"))).hasSize(1);
        shot("8-docs-admin");
    }
}
