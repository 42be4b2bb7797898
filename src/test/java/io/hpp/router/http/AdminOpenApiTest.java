package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API's own document ({@code /admin/openapi.yaml}) names every admin route the router registers, and every
 * operation it names is a route the router answers (not the 404/405 fallback).
 */
class AdminOpenApiTest {
    /** A registration in the route classes: {@code .add(Method.PATCH, "/admin/v1/keys/{id}", ...)}. */
    private static final Pattern REGISTRATION = Pattern.compile("add\\(Method\\.([A-Z]+),\\s*\"(/admin/v1/[^\"]*)\"");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static TestRouter router;

    @BeforeAll
    static void start() {
        router = TestRouter.start();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void everyRegisteredAdminRouteIsInTheAdminDocumentAndNothingElse() throws IOException {
        Set<String> registered = registeredAdminRoutes();
        // the scan must see the admin API as we know it, or a changed registration style would make this test vacuous
        assertThat(registered).contains("PATCH /admin/v1/keys/{}", "GET /admin/v1/stats/top", "POST /admin/v1/routing/eval",
                "GET /admin/v1/requests", "GET /admin/v1/providers").hasSizeGreaterThanOrEqualTo(21);
        assertThat(documented(document())).isEqualTo(registered);
    }

    @Test
    void everyDocumentedOperationIsAnsweredByTheRouter() throws IOException {
        for (String op : documented(document())) {
            String method = op.substring(0, op.indexOf(' '));
            String path = op.substring(op.indexOf(' ') + 1).replace("{}", "nope");
            Reply r = router.admin(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
            assertThat(r.status()).as(op).isNotIn(405, 500);
            assertThat(r.body()).as(op).doesNotContain("No route for");
            assertThat(router.send(method, path, null, Map.of()).status()).as(op + " without the token").isEqualTo(401);
        }
    }

    @Test
    void theAdminDocumentIsServedPubliclyAndListedInTheDocs() throws IOException {
        Reply doc = router.get("/admin/openapi.yaml", Map.of());
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.header("Content-Type")).hasValue("application/yaml");
        JsonNode served = new ObjectMapper(new YAMLFactory()).readTree(doc.body());
        assertThat(served).isEqualTo(document());
        assertThat(served.at("/info/title").asText()).isEqualTo("HPP Router Admin API");
        assertThat(router.get("/openapi.yaml", Map.of()).body()).contains("HPP Router Consumer API");
        assertThat(router.get("/docs/init.js", Map.of()).body()).contains("\"/admin/openapi.yaml\"", "\"/openapi.yaml\"");
        assertThat(router.get("/docs/assets/swagger-ui-standalone-preset.js", Map.of()).status()).isEqualTo(200);
    }

    /** The admin paths and schemas are still also in consumer-v1.yaml (tests validate against it): the copies must agree (the admin document may add operations). */
    @Test
    void theAdminPartOfTheConsumerDocumentAgreesWithTheAdminDocument() throws IOException {
        JsonNode admin = document();
        JsonNode consumer = document("/openapi/consumer-v1.yaml");
        int paths = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = consumer.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (p.getKey().startsWith("/admin/")) {
                p.getValue().fieldNames().forEachRemaining(op -> assertThat(admin.get("paths").get(p.getKey()).get(op))
                        .as(op + " " + p.getKey()).isEqualTo(p.getValue().get(op)));
                paths++;
            }
        }
        assertThat(paths).isGreaterThanOrEqualTo(8);
        for (Iterator<Map.Entry<String, JsonNode>> it = admin.at("/components/schemas").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            assertThat(consumer.at("/components/schemas/" + s.getKey())).as(s.getKey()).isEqualTo(s.getValue());
        }
    }

    /** "METHOD /path" of every admin registration in the main sources, path parameters as {}. */
    private static Set<String> registeredAdminRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = REGISTRATION.matcher(Files.readString(f));
                while (m.find()) {
                    routes.add(m.group(1) + " " + normalized(m.group(2)));
                }
            }
        }
        return routes;
    }

    private static Set<String> documented(JsonNode doc) {
        Set<String> ops = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    ops.add(m.toUpperCase(java.util.Locale.ROOT) + " " + normalized(p.getKey()));
                }
            });
        }
        return ops;
    }

    private static String normalized(String path) {
        return path.replaceAll("\\{[^}]*}", "{}");
    }

    private static JsonNode document() throws IOException {
        return document("/openapi/admin-v1.yaml");
    }

    private static JsonNode document(String resource) throws IOException {
        try (InputStream in = AdminOpenApiTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the classpath").isNotNull();
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }
}
