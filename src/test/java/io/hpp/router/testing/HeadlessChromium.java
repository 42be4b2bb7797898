package io.hpp.router.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by its chromedriver, as the browser tests use it: no sandbox (CI runs as root),
 * no background traffic, a throw-away profile. Skips the calling test, saying why, where either is missing.
 */
public final class HeadlessChromium {
    private HeadlessChromium() {
    }

    /** Skips the test unless both binaries are installed. */
    public static void assumeInstalled() {
        boolean installed = new File("/usr/bin/chromedriver").canExecute() && new File("/usr/bin/chromium").canExecute();
        Assumptions.assumeTrue(installed, () -> {
            String msg = "Browser test skipped: /usr/bin/chromium and /usr/bin/chromedriver are needed "
                    + "(apt-get install chromium chromium-driver; .ci/run installs them)";
            System.err.println(msg);
            return msg;
        });
    }

    /** A browser whose window is {@code width} × {@code height}; with {@code consoleLogs}, it keeps the page's console. */
    public static ChromeDriver start(int width, int height, boolean consoleLogs) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        if (consoleLogs) {
            options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        }
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=" + width + "," + height, "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
