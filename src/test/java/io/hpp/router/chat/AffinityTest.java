package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider's prompt cache lives in one deployment. Each fake here is one deployment with a cache: it reports as
 * cached the longest prefix of the prompt's messages (10 tokens each) that an earlier request to the same fake had.
 * test/duo has two equal deployments (provider openai on the first fake, moonshotai on the second); test/solo one.
 */
class AffinityTest extends ChatTestBase {
    private static final int TURNS = 20;
    private static final int TOKENS_PER_MESSAGE = 10;
    private final FakeProvider eu = new FakeProvider();

    @Override
    Map<String, String> extraEnv() {
        return Map.of("MOONSHOT_BASE_URL", eu.baseUrl() + "/v1");
    }

    @AfterEach
    void stopSecondFake() {
        eu.close();
    }

    /** A deployment with a prompt cache: every prefix of every prompt it was sent is cached. */
    private static FakeProvider.Script caching() {
        Set<String> cache = new HashSet<>();
        return (req, ex) -> {
            JsonNode messages = req.json().get("messages");
            StringBuilder prefix = new StringBuilder();
            int hit = 0;
            synchronized (cache) {
                for (int i = 0; i < messages.size(); i++) {
                    prefix.append(messages.get(i)).append('\n');
                    if (cache.contains(prefix.toString())) {
                        hit = i + 1;
                    }
                    cache.add(prefix.toString());
                }
            }
            FakeProvider.json(200, OpenAiWire.completion(req.json().path("model").asText(), "answer " + messages.size(),
                    TOKENS_PER_MESSAGE * messages.size(), 5, TOKENS_PER_MESSAGE * hit)).answer(req, ex);
        };
    }

    private void models() {
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"test/duo\",\"pricing\":{\"input\":1,\"output\":2},\"deployments\":["
                + "{\"provider\":\"openai\",\"upstream_model\":\"duo\"},{\"provider\":\"moonshotai\",\"upstream_model\":\"duo\"}]}").status())
                .isEqualTo(200);
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"test/solo\",\"provider\":\"openai\",\"upstream_model\":\"solo\","
                + "\"pricing\":{\"input\":1,\"output\":2}}").status()).isEqualTo(200);
        fake.always(caching());
        eu.always(caching());
    }

    /** A 20-turn conversation, each turn resending the history; turn i's key from {@code keys}. The cached tokens reported. */
    private long converse(String model, String system, IntFunction<String> keys) {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        messages.addObject().put("role", "system").put("content", system);
        long cached = 0;
        for (int turn = 1; turn <= TURNS; turn++) {
            messages.addObject().put("role", "user").put("content", "question " + turn);
            ObjectNode body = Json.object().put("model", model);
            body.set("messages", messages);
            TestRouter.Reply r = chat(keys.apply(turn), body.toString());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            cached += r.json().at("/usage/prompt_tokens_details/cached_tokens").asLong();
            messages.addObject().put("role", "assistant").put("content", r.json().at("/choices/0/message/content").asText());
        }
        return cached;
    }

    /** Turn t sends 2t messages; a deployment that saw turn t - k has its 2(t - k) messages cached. */
    private static long expectedCached(int turnsApart) {
        long sum = 0;
        for (int t = turnsApart + 1; t <= TURNS; t++) {
            sum += (long) TOKENS_PER_MESSAGE * 2 * (t - turnsApart);
        }
        return sum;
    }

    @Test
    void affinityKeepsAConversationsCacheHitsAtWhatOneDeploymentGives() {
        models();
        TestRouter.Customer c = router.customer("100");
        long single = converse("test/solo", "You are the single deployment's assistant.", t -> c.key());
        assertThat(single).isEqualTo(expectedCached(1)).isEqualTo(3800);

        long before = fake.received().size();
        long sticky = converse("test/duo", "You are a balanced assistant.", t -> c.key());

        assertThat(sticky).as("the same hits as one deployment").isEqualTo(single);
        long onFirst = fake.received().size() - before;
        assertThat(onFirst == 0 || onFirst == TURNS).as("all %d turns on one deployment, first fake got %d", TURNS, onFirst).isTrue();
        var rows = log(c.id()).stream().filter(r -> r.resolvedModel().orElseThrow().equals("test/duo")).toList();
        assertThat(rows).hasSize(TURNS);
        assertThat(rows.stream().map(r -> r.meta().deployment().orElseThrow()).distinct()).hasSize(1);
        assertThat(rows.stream().mapToLong(r -> r.usage().cacheRead()).sum()).as("the log's cache reads").isEqualTo(sticky);
    }

    @Test
    void withoutAffinityTheTurnsAlternateAndLoseTheLastTurnsCache() {
        models();
        TestRouter.Customer[] consumers = new TestRouter.Customer[TURNS + 1];
        for (int t = 1; t <= TURNS; t++) {
            consumers[t] = router.customer("100");
        }
        // a conversation's affinity is its consumer's: one consumer a turn is plain weighted round robin
        long spread = converse("test/duo", "You are a balanced assistant.", t -> consumers[t].key());

        assertThat(fake.received()).hasSize(TURNS / 2);
        assertThat(eu.received()).hasSize(TURNS / 2);
        assertThat(spread).as("each deployment saw only every other turn").isEqualTo(expectedCached(2)).isEqualTo(3420);
        assertThat(spread).isLessThan(expectedCached(1));
    }

    @Test
    void aConversationMovesWhenItsDeploymentFailsAndStaysWhereItMoved() {
        models();
        TestRouter.Customer c = router.customer("100");
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        FakeProvider.Script cachingA = caching();
        fake.always((req, ex) -> (failing.get() ? FakeProvider.json(503, OpenAiWire.OVERLOADED) : cachingA).answer(req, ex));
        String opening = "{\"role\":\"system\",\"content\":\"sticky\"},{\"role\":\"user\",\"content\":\"q1\"}";
        String first = "{\"model\":\"test/duo\",\"messages\":[" + opening + "]}";
        assertThat(chat(c.key(), first).status()).isEqualTo(200);
        assertThat(log(c.id()).getFirst().meta().deployment()).as("a new model's rotation starts at its first deployment")
                .contains("openai:duo");
        failing.set(true);
        String next = "{\"model\":\"test/duo\",\"messages\":[" + opening + ",{\"role\":\"assistant\",\"content\":\"a\"},"
                + "{\"role\":\"user\",\"content\":\"q2\"}]}";
        assertThat(chat(c.key(), next).status()).isEqualTo(200);
        failing.set(false);
        for (int i = 0; i < 3; i++) {
            assertThat(chat(c.key(), next).status()).isEqualTo(200);
        }
        var rows = log(c.id()).stream().map(r -> r.meta().deployment().orElseThrow()).toList();
        assertThat(rows).as("newest first: stays on the deployment it moved to").containsExactly(
                "moonshotai:duo", "moonshotai:duo", "moonshotai:duo", "moonshotai:duo", "openai:duo");
    }

    @Test
    void theAffinityMapForgetsTheLeastRecentlyUsedAndTheIdle() {
        AtomicLong now = new AtomicLong();
        Affinity a = new Affinity(2, Duration.ofSeconds(10), now::get);
        Affinity.Key k1 = new Affinity.Key("c", "m", 1);
        Affinity.Key k2 = new Affinity.Key("c", "m", 2);
        Affinity.Key k3 = new Affinity.Key("c", "m", 3);
        a.remember(k1, "x");
        a.remember(k2, "y");
        assertThat(a.find(k1)).contains("x"); // k1 used: k2 is now the least recently used
        a.remember(k3, "z");
        assertThat(a.size()).isEqualTo(2);
        assertThat(a.find(k2)).isEmpty();
        assertThat(a.find(k1)).contains("x");
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(a.find(k3)).as("idle beyond 10 s").isEmpty();
        assertThat(new Affinity.Key("c", "m", 1)).isEqualTo(k1);
        assertThat(new Affinity.Key("d", "m", 1)).isNotEqualTo(k1);
    }
}
