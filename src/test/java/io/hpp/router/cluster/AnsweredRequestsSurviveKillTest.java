package io.hpp.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.app.App;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Store;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.NodeProcess;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestPostgres;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} under load: every request whose answer the client received whole (the JSON body, or a stream's
 * {@code [DONE]}) is in the request log exactly once and charged, after a restart; {@code used == Σ cost}.
 */
class AnsweredRequestsSurviveKillTest {
    private static final String ADMIN = TestRouter.ADMIN_TOKEN;
    private static final int CLIENTS = 16;

    /** JSON or a stream, as asked; 20 prompt and 5 completion tokens either way. */
    private static FakeProvider provider() {
        FakeProvider fake = new FakeProvider();
        FakeProvider.Script json = FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 20, 5, 0));
        FakeProvider.Script stream = fake.sse(0, OpenAiWire.textStream("gpt-5", List.of("o", "k"), 20, 5));
        fake.always((req, ex) -> (req.json().path("stream").asBoolean() ? stream : json).answer(req, ex));
        return fake;
    }

    /** Loads {@code nodes} (round robin) from 16 clients until stopped; returns the request ids answered whole. */
    private static final class Load {
        final Set<String> answered = ConcurrentHashMap.newKeySet();
        final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        private final List<Future<?>> clients = new ArrayList<>();
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        Load(Supplier<List<String>> nodes, String key) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int i = 0; !stop.get() && i < 100_000; i++) {
                        List<String> live = nodes.get();
                        send(live.get((client + i) % live.size()), key, i % 3 == 0);
                    }
                }));
            }
        }

        private void send(String base, String key, boolean stream) {
            String id = UUID.randomUUID().toString();
            String body = "{\"model\":\"openai/gpt-5\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                    + (stream ? ",\"stream\":true}" : "}");
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/llm/v1/chat/completions")).header("apikey", key)
                    .header("X-Request-Id", id).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                boolean whole = r.statusCode() == 200 && (stream ? r.body().contains("data: [DONE]") : r.body().contains("\"choices\""));
                if (whole) {
                    answered.add(id);
                }
            } catch (IOException e) {
                // the node died under this request: its answer never arrived whole
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws Exception {
            stop.set(true);
            for (Future<?> f : clients) {
                f.get();
            }
            pool.shutdown();
        }
    }

    private static String newKey(String base, String quota) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String c = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/consumers")).header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"quota\":" + quota + "}")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String id = io.hpp.router.common.Json.readTree(c).get("consumer_id").asText();
        String k = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/consumers/" + id + "/keys"))
                .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return id + " " + io.hpp.router.common.Json.readTree(k).get("key").asText();
    }

    /** Every answered request logged once, and the consumer's totals equal to its log. */
    private static void assertEveryAnswerCharged(Store store, String consumerId, Set<String> answered) {
        List<RequestLogEntry> log = store.requestLog(consumerId, 1_000_000);
        Map<String, Integer> byRequest = new HashMap<>();
        log.forEach(e -> byRequest.merge(e.meta().requestId(), 1, Integer::sum));
        assertThat(answered).as("answered requests").hasSizeGreaterThan(100);
        List<String> missing = answered.stream().filter(id -> !byRequest.containsKey(id)).toList();
        assertThat(missing).as("answered but never logged or charged").isEmpty();
        assertThat(byRequest.values()).as("each logged once").containsOnly(1);
        ConsumerRecord c = store.consumer(consumerId).orElseThrow();
        Money logged = log.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
        assertThat(c.used()).as("used == Σ cost").isEqualTo(logged);
        assertThat(c.requests()).isEqualTo(log.size());
        System.out.printf("answered whole: %d; logged: %d; used: %s%n", answered.size(), log.size(), c.used());
        assertThat(log.stream().filter(e -> answered.contains(e.meta().requestId())))
                .allSatisfy(e -> assertThat(e.cost().isPositive()).as("charged").isTrue());
    }

    @Test
    void onSqliteEveryAnsweredRequestIsChargedAfterAKill() throws Exception {
        Path dir = Files.createTempDirectory("kill-sqlite");
        try (FakeProvider fake = provider()) {
            Map<String, String> env = Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("router.db"),
                    "HPP_ROUTER_JOURNAL_DIR", dir.resolve("journal").toString(), "HPP_ROUTER_ADMIN_TOKEN", ADMIN,
                    "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk");
            NodeProcess node = NodeProcess.start(env);
            String[] ck = newKey(node.baseUrl(), "1000").split(" ");
            Load load = new Load(() -> List.of(node.baseUrl()), ck[1]);
            Thread.sleep(2_500);
            node.process().destroyForcibly().waitFor();   // SIGKILL, mid-load
            load.stop();

            NodeProcess restarted = NodeProcess.start(env);   // replays its earlier life's journal before serving
            restarted.process().destroy();                      // SIGTERM: drains and closes the database
            restarted.process().waitFor();
            try (Store store = App.openStore(ConfigLoader.load(Optional.empty(), env))) {
                assertEveryAnswerCharged(store, ck[0], load.answered);
            }
            assertThat(restarted.output()).contains("from the journal of a node that stopped");
        }
    }

    @Test
    void onPostgresANodeKilledMidLoadLosesNoAnsweredRequestAndTheOthersConverge() throws Exception {
        String db = TestPostgres.shared().newDatabase();
        Path journal = Files.createTempDirectory("kill-pg").resolve("journal");
        try (FakeProvider fake = provider()) {
            Map<String, String> env = Map.of("HPP_ROUTER_DB_URL", db, "HPP_ROUTER_JOURNAL_DIR", journal.toString(),
                    "HPP_ROUTER_ADMIN_TOKEN", ADMIN, "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk");
            NodeProcess victim = NodeProcess.start(env);
            NodeProcess survivor = NodeProcess.start(env);
            try {
                String[] ck = newKey(survivor.baseUrl(), "1000").split(" ");
                List<String> nodes = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(victim.baseUrl(), survivor.baseUrl()));
                Load load = new Load(() -> nodes, ck[1]);
                Thread.sleep(2_500);
                victim.process().destroyForcibly().waitFor();
                nodes.remove(victim.baseUrl());   // the load balancer takes it out; the survivor keeps serving
                Thread.sleep(1_000);
                load.stop();
                int answeredBySurvivorAfterKill = load.answered.size();
                assertThat(answeredBySurvivorAfterKill).isPositive();

                // the survivor's housekeeping (every 5 s) settles the dead node's journal; the victim restarts meanwhile
                NodeProcess back = NodeProcess.start(env);
                try (Store store = App.openStore(ConfigLoader.load(Optional.empty(), env))) {
                    long deadline = System.currentTimeMillis() + 20_000;
                    while (System.currentTimeMillis() < deadline && journalFolders(journal) > 2) {
                        Thread.sleep(200);
                    }
                    assertThat(journalFolders(journal)).as("only the two live nodes' journals remain").isEqualTo(2);
                    Thread.sleep(300);   // the live writers' last batches (50 ms apart)
                    assertEveryAnswerCharged(store, ck[0], load.answered);
                } finally {
                    back.close();
                }
            } finally {
                survivor.close();
                victim.close();
            }
        }
    }

    private static long journalFolders(Path journal) throws IOException {
        try (var dirs = Files.list(journal)) {
            return dirs.filter(Files::isDirectory).count();
        }
    }
}
