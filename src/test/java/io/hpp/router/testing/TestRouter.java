package io.hpp.router.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.app.App;
import io.hpp.router.common.Json;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.config.RouterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real router on a random loopback port over a real SQLite file in a temporary folder, with helpers to call it.
 */
public final class TestRouter implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final App app;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestRouter(App app, Path dir) {
        this.app = app;
        this.dir = dir;
    }

    public static TestRouter start() {
        return start(Map.of());
    }

    /** Starts a router; {@code env} adds to or overrides the test defaults. */
    public static TestRouter start(Map<String, String> env) {
        return start(Optional.empty(), env);
    }

    /** Starts a router that reads {@code yaml} as its configuration file; {@code env} as for {@link #start(Map)}. */
    public static TestRouter start(Path yaml, Map<String, String> env) {
        return start(Optional.of(yaml), env);
    }

    private static TestRouter start(Optional<Path> yaml, Map<String, String> env) {
        try {
            Path dir = Files.createTempDirectory("hpp-router-test");
            Map<String, String> all = new HashMap<>();
            all.put("HPP_ROUTER_HOST", "127.0.0.1");
            all.put("HPP_ROUTER_PORT", "0");
            all.put("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("router.db"));
            all.put("HPP_ROUTER_ADMIN_TOKEN", ADMIN_TOKEN);
            // its own journal folder, also on PostgreSQL (whose default, ./data/journal, every test would share)
            all.put("HPP_ROUTER_JOURNAL_DIR", dir.resolve("journal").toString());
            all.putAll(env);
            RouterConfig config = ConfigLoader.load(yaml, all);
            return new TestRouter(App.start(config), dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public App app() {
        return app;
    }

    public Path dataDir() {
        return dir;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    /** A consumer with the given quota (dollars, as a JSON number literal) and one key; returns {consumer_id, key}. */
    public Customer customer(String quota) {
        JsonNode c = admin("POST", "/admin/v1/consumers", "{\"username\":\"u\",\"quota\":" + quota + "}").json();
        String id = c.get("consumer_id").asText();
        JsonNode k = admin("POST", "/admin/v1/consumers/" + id + "/keys", "{\"name\":\"test\"}").json();
        return new Customer(id, k.get("key_id").asText(), k.get("key").asText());
    }

    public record Customer(String id, String keyId, String key) {
    }

    public Reply admin(String method, String path, String body) {
        return send(method, path, body, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    public Reply get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers);
    }

    public Reply send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response: status, body text and headers. */
    public record Reply(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not JSON: " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst();
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
