package io.hpp.router.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar the build ships (target/hpp-router.jar with target/lib), run as {@code ./hpp-router serve} runs it — not the
 * classes of target/classes the other tests use: it carries Helidon's request reader as patched by
 * src/build/DataReaderPatch.java, ahead of Helidon's own, and its start-up check says so. With Helidon's jar put first
 * on the class path the check reports the patch as not in use (and the router still serves). Run by failsafe, after
 * {@code package}.
 */
class ShippedJarIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void theShippedJarRunsWithHelidonsReaderPatched() throws Exception {
        JsonNode ready = readyz(List.of("-jar", TARGET.resolve("hpp-router.jar").toString(), "serve"), "a");
        assertThat(ready.path("checks").path("helidon_patch").asText()).isEqualTo("ok");
    }

    @Test
    void withHelidonsOwnReaderFirstTheStartUpCheckSaysSo() throws Exception {
        File helidon = Files.list(TARGET.resolve("lib")).map(Path::toFile)
                .filter(f -> f.getName().startsWith("helidon-common-buffers-")).findFirst().orElseThrow();
        String classPath = helidon + File.pathSeparator + TARGET.resolve("hpp-router.jar");
        JsonNode ready = readyz(List.of("-cp", classPath, "io.hpp.router.app.Main", "serve"), "b");
        assertThat(ready.path("checks").path("helidon_patch").asText()).isEqualTo("not in use");
        assertThat(ready.path("status").asText()).as("the router still serves").isEqualTo("ready");
    }

    /** Starts the router (127.0.0.1, a free port, a throw-away database), reads /readyz, stops it. */
    private JsonNode readyz(List<String> launch, String name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx320m"));
        cmd.addAll(launch);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("HPP_ROUTER_HOST", "127.0.0.1");
        pb.environment().put("HPP_ROUTER_PORT", "0");
        pb.environment().put("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve(name + ".db"));
        pb.environment().put("OPENAI_API_KEY", "sk-test");
        pb.environment().put("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        Process router = pb.start();
        try {
            int port = port(dir.resolve(name + ".log"), router);
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            return Json.readTree(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            router.destroy();
            router.waitFor();
        }
    }

    private static int port(Path log, Process router) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && router.isAlive()) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the router did not start: " + Files.readString(log));
    }
}
