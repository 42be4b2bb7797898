package io.hpp.router.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.NodeProcess;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 24, finding 4: a router in a JVM of its own with the production options ({@code jvm.options}: 320 MiB heap,
 * serial collector) gets bodies at the size limit in the shapes whose trees are largest, three at once — as many as
 * its body budget (a tenth of the heap) admits — on route preview, smart-routed and Anthropic-translated chat and
 * image generation, while a well-behaved consumer keeps chatting. Every well-behaved request succeeds, every hostile
 * one gets a 4xx envelope (or 503 {@code overloaded} from the body budget), and the heap after each collection stays
 * far below its maximum: before the fix the first 20 MiB body of {@code {}} ran the heap out.
 */
class HeapUnderAttackTest {
    private static final int MIB = 1 << 20;
    /** The default {@code server.max_body_bytes}. */
    private static final int LIMIT = 20 * MIB;
    /**
     * Most heap a full collection may leave, of the 320 MiB, during the attacks and after them (a young collection's
     * figure also counts the garbage promoted since the last full one, so it is no measure of what is live).
     */
    private static final long LIVE_MIB = 160;
    private static final List<String> PATHS = List.of("/api/route-preview", "/llm/v1/chat/completions#auto",
            "/llm/v1/chat/completions#anthropic", "/v1/images/generations");
    private static final Pattern FULL_GC = Pattern.compile("Pause Full.* (\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ANTHROPIC_ANSWER = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-20250514\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}";

    private static FakeProvider fake;
    private static NodeProcess node;
    private static Path gcLog;
    private static String attackerKey;
    private static String neighbourKey;
    private static final AtomicInteger SERVED = new AtomicInteger();

    /** One hostile request: where, in which shape, how large. */
    record Attack(String path, HostileShapes shape, int size) {
        @Override
        public String toString() {
            return path + " " + shape + " " + (size / MIB) + " MiB";
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        fake = new FakeProvider();
        fake.always((req, ex) -> (req.path().contains("/images/") ? FakeProvider.json(200, OpenAiWire.imagesAnswer(1, 3, 272))
                : req.path().endsWith("/v1/messages") ? FakeProvider.json(200, ANTHROPIC_ANSWER)
                : FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "ok", 3, 1, 0))).answer(req, ex));
        Path dir = Files.createTempDirectory("heap-attack");
        gcLog = dir.resolve("gc.log");
        List<String> jvm = new ArrayList<>(NodeProcess.productionJvmOptions());
        jvm.add("-Xlog:gc:file=" + gcLog);
        node = NodeProcess.start(Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("router.db"), "HPP_ROUTER_ADMIN_TOKEN",
                TestRouter.ADMIN_TOKEN, "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk", "ANTHROPIC_BASE_URL",
                fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant", "HPP_ROUTER_MAX_BODY_BYTES", String.valueOf(LIMIT)), jvm);
        attackerKey = customerKey();
        neighbourKey = customerKey();
    }

    /** A new consumer with $1,000 and one key, made through the node's admin API; returns the key. */
    private static String customerKey() throws Exception {
        String id = admin("/admin/v1/consumers", "{\"username\":\"u\",\"quota\":1000}").get("consumer_id").asText();
        return admin("/admin/v1/consumers/" + id + "/keys", "{\"name\":\"k\"}").get("key").asText();
    }

    private static com.fasterxml.jackson.databind.JsonNode admin(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Authorization", "Bearer " + TestRouter.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        return io.hpp.router.common.Json.MAPPER.readTree(r.body());
    }

    @AfterContainer
    static void stop() throws IOException {
        try {
            assertThat(node.process().isAlive()).as("the router is alive").isTrue();
            assertThat(node.output()).doesNotContain("OutOfMemoryError");
        } finally {
            if (node != null) {
                node.close();
            }
            fake.close();
        }
    }

    @Property(tries = 5, shrinking = ShrinkingMode.OFF)
    void bodiesAtTheLimitLeaveTheHeapBoundedAndOtherConsumersServed(@ForAll("attacks") List<Attack> attacks) throws Exception {
        AtomicBoolean attacking = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> neighbourFailures = new ConcurrentLinkedQueue<>();
        int servedBefore = SERVED.get();
        Thread neighbourThread = Thread.ofVirtual().start(() -> {
            for (int i = 0; attacking.get() || i < 3; i++) {
                HttpResponse<String> r = i % 2 == 0
                        ? send("/llm/v1/chat/completions", neighbourKey, chat("hpprouter/auto", "Please translate: bonjour " + i))
                        : send("/api/route-preview", neighbourKey, chat("hpprouter/auto", "How long is a piece of string? " + i));
                if (r == null || r.statusCode() != 200) {
                    neighbourFailures.add(r == null ? "connection failed" : r.statusCode() + " " + r.body());
                } else {
                    SERVED.incrementAndGet();
                }
            }
        });
        List<Thread> attackers = new ArrayList<>();
        ConcurrentLinkedQueue<String> wrongAnswers = new ConcurrentLinkedQueue<>();
        for (Attack a : attacks) {
            attackers.add(Thread.ofVirtual().start(() -> {
                HttpResponse<String> r = send(a.path().replaceAll("#.*", ""), attackerKey, body(a));
                if (r != null && !refused(r)) {  // null: the router closed the connection of a body it would not take
                    wrongAnswers.add(a + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
                }
            }));
        }
        Thread.sleep(300);
        fullCollection(); // what is live while the bodies are read and walked
        for (Thread t : attackers) {
            t.join(60_000);
        }
        attacking.set(false);
        neighbourThread.join(60_000);

        assertThat(wrongAnswers).as("hostile bodies get a 4xx envelope (429 at the attacker's share of body memory) or 503 overloaded").isEmpty();
        assertThat(neighbourFailures).as("the well-behaved consumer is served throughout").isEmpty();
        assertThat(SERVED.get() - servedBefore).isGreaterThanOrEqualTo(3);
        assertThat(node.process().isAlive()).isTrue();
        assertThat(node.output()).doesNotContain("OutOfMemoryError");
        fullCollection();
        assertThat(afterFullCollectionsMib()).as("heap left by each full collection, MiB (of 320)").isNotEmpty()
                .allSatisfy(mib -> assertThat(mib).isLessThan(LIVE_MIB));
    }

    @Provide
    Arbitrary<List<Attack>> attacks() {
        Arbitrary<Attack> one = Combinators.combine(Arbitraries.of(PATHS), Arbitraries.of(HostileShapes.class),
                Arbitraries.of(LIMIT - 4096, LIMIT / 2, LIMIT / 3)).as(Attack::new)
                // one long string, harmless where no one parses it: the arguments are parsed on the way to Anthropic
                .filter(a -> a.shape() != HostileShapes.TOOL_CALL_ARGUMENTS || a.path().endsWith("#anthropic"));
        return one.list().ofSize(3);
    }

    private static boolean refused(HttpResponse<String> r) {
        return switch (r.statusCode()) {
            case 400 -> r.body().contains("\"invalid_request\"");
            case 413 -> r.body().contains("\"payload_too_large\"");
            // the attacker's own share of the body budget (server.max_in_flight_body_bytes_per_consumer) is full
            case 429 -> r.body().contains("\"rate_limited\"");
            case 503 -> r.body().contains("\"overloaded\"");
            default -> false;
        };
    }

    private static byte[] body(Attack a) {
        return switch (a.path()) {
            case "/v1/images/generations" -> a.shape().image(a.size());
            case "/llm/v1/chat/completions#anthropic" -> a.shape().chat("anthropic/claude-sonnet-4", a.size());
            default -> a.shape().chat("hpprouter/auto", a.size());
        };
    }

    private static byte[] chat(String model, String text) {
        return ("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The answer, or null when the connection failed (the router may close one whose body it refused unread). */
    private static HttpResponse<String> send(String path, String key, byte[] body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("apikey", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** What each full collection so far left of the node's heap, from its GC log. */
    private static List<Long> afterFullCollectionsMib() throws IOException {
        List<Long> after = new ArrayList<>();
        Matcher m = FULL_GC.matcher(Files.readString(gcLog));
        while (m.find()) {
            long value = Long.parseLong(m.group(3));
            after.add(switch (m.group(4)) {
                case "K" -> value / 1024;
                case "G" -> value * 1024;
                default -> value;
            });
        }
        return after;
    }

    /** A full collection in the node now ({@code jcmd <pid> GC.run}), so the log says what stays live. */
    private static void fullCollection() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(node.process().pid()), "GC.run").redirectErrorStream(true).start();
        jcmd.getInputStream().readAllBytes();
        assertThat(jcmd.waitFor()).isZero();
    }
}
