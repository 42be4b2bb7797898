package io.hpp.router.playground;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.HeadlessChromium;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the console's browser tests share: a router whose OpenAI provider is a fake on 127.0.0.1, a headless Chromium
 * 1280 px wide, the page helpers, and screenshots under target/screenshots/ named by the test class's prefix. One
 * class at a time (the fields are static, as JUnit's per-class set-up needs).
 */
abstract class ConsoleBrowserBase {
    static final Path SHOTS = Path.of("target", "screenshots");
    static FakeProvider fake;
    static TestRouter router;
    static WebDriver browser;
    private static String prefix;

    /** Starts the fake, the router (its OpenAI key {@code providerKey}) and the browser; screenshots as {@code prefix-*.png}. */
    static void open(String providerKey, String shotPrefix) throws IOException {
        HeadlessChromium.assumeInstalled();
        prefix = shotPrefix;
        fake = new FakeProvider();
        router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", providerKey));
        browser = HeadlessChromium.start(1280, 1600, true);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
        if (router != null) {
            router.close();
            router = null;
        }
        if (fake != null) {
            fake.close();
            fake = null;
        }
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    static void type(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    static void click(String id) {
        browser.findElement(By.id(id)).click();
    }

    static void tab(String name) {
        browser.findElement(By.cssSelector("#tabs [data-tab='" + name + "']")).click();
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    static void shot(String name) throws IOException {
        Files.write(SHOTS.resolve(prefix + "-" + name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
