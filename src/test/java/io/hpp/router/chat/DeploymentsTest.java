package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * test/duo is served by two deployments: provider openai (the base class's fake, upstream model duo-a) and provider
 * moonshotai (a second fake, duo-b); ollama/gpt-oss:120b (on the first fake) is its fallback.
 */
class DeploymentsTest extends ChatTestBase {
    private final FakeProvider eu = new FakeProvider();

    @Override
    Map<String, String> extraEnv() {
        return Map.of("MOONSHOT_BASE_URL", eu.baseUrl() + "/v1", "HPP_ROUTER_RETRIES", "1", "HPP_ROUTER_RETRY_BACKOFF_MS", "10",
                "HPP_ROUTER_CIRCUIT_FAILURES", "2", "HPP_ROUTER_CIRCUIT_COOLDOWN_MS", "60000");
    }

    @AfterEach
    void stopSecondFake() {
        eu.close();
    }

    private void duo(int weightA, int weightB) {
        TestRouter.Reply r = router.admin("POST", "/admin/v1/models", ("{\"id\":\"test/duo\",\"pricing\":{\"input\":1,\"output\":2},"
                + "\"fallbacks\":[\"ollama/gpt-oss:120b\"],\"deployments\":[{\"provider\":\"openai\",\"upstream_model\":\"duo-a\",\"weight\":%d},"
                + "{\"provider\":\"moonshotai\",\"upstream_model\":\"duo-b\",\"weight\":%d}]}").formatted(weightA, weightB));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("provider").asText()).isEqualTo("openai");
        assertThat(r.json().get("upstream_model").asText()).isEqualTo("duo-a");
        assertThat(r.json().at("/deployments/1/weight").asInt()).isEqualTo(weightB);
    }

    /** Each fake answers as its upstream model; the first fake answers the fallback model as itself. */
    private void answering(FakeProvider.Script a, FakeProvider.Script b) {
        fake.always((req, ex) -> {
            String model = req.json().path("model").asText();
            (model.equals("duo-a") ? a : FakeProvider.json(200, OpenAiWire.completion(model, "from " + model, 10, 5, 0))).answer(req, ex);
        });
        eu.always(b);
    }

    private static FakeProvider.Script ok(String model) {
        return FakeProvider.json(200, OpenAiWire.completion(model, "from " + model, 10, 5, 0));
    }

    private long received(FakeProvider f, String upstreamModel) {
        return f.received().stream().filter(r -> r.json().path("model").asText().equals(upstreamModel)).count();
    }

    private static String question(int i) {
        return "{\"model\":\"test/duo\",\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + "\"}]}";
    }

    @Test
    void sequentialRequestsSplitByWeightAndEachGoesToItsDeploymentsUpstreamModel() {
        duo(2, 1);
        answering(ok("duo-a"), ok("duo-b"));
        TestRouter.Customer c = router.customer("100");
        for (int i = 0; i < 300; i++) {
            TestRouter.Reply r = chat(c.key(), question(i));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("model").asText()).isEqualTo("test/duo");
        }
        long a = received(fake, "duo-a");
        long b = received(eu, "duo-b");
        assertThat(a + b).isEqualTo(300);
        assertThat(a).as("2:1 of 300").isBetween(195L, 205L);
        assertThat(received(eu, "duo-a")).isZero();
        assertThat(fake.received()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + UPSTREAM_KEY));
        assertThat(eu.received()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer sk-moonshot"));
        List<RequestLogEntry> rows = log(c.id());
        assertThat(rows.stream().filter(r -> r.meta().deployment().orElseThrow().equals("openai:duo-a")).count()).isEqualTo(a);
        assertThat(rows.stream().filter(r -> r.meta().deployment().orElseThrow().equals("moonshotai:duo-b")).count()).isEqualTo(b);
        assertThat(rows).allSatisfy(r -> assertThat(r.resolvedModel()).contains("test/duo"));
        String metrics = router.get("/metrics", Map.of()).body();
        assertThat(metrics).contains("hpp_deployment_requests_total{deployment=\"moonshotai:duo-b\",model=\"test/duo\",status=\"200\"} " + b + ".0");
        assertThat(metrics).contains("provider=\"moonshotai\"");
        assertLedgerBalanced(c.id());
    }

    @Test
    void aRetryableFailureMovesToTheOtherDeploymentBeforeAnyFallback() {
        duo(1, 1);
        answering(FakeProvider.json(500, OpenAiWire.SERVER_ERROR), ok("duo-b"));
        TestRouter.Customer c = router.customer("100");

        TestRouter.Reply r = chat(c.key(), question(1));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("test/duo");
        assertThat(r.json().at("/choices/0/message/content").asText()).isEqualTo("from duo-b");
        assertThat(received(fake, "duo-a")).as("the first deployment, tried once: the other deployment is its retry").isEqualTo(1);
        assertThat(received(eu, "duo-b")).isEqualTo(1);
        assertThat(received(fake, "gpt-oss:120b")).as("no fallback").isZero();
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.meta().deployment()).contains("moonshotai:duo-b");
        assertThat(router.get("/metrics", Map.of()).body()).doesNotContain("hpp_fallbacks_total{from=\"test/duo\"");
        JsonNode audit = router.admin("GET", "/admin/v1/requests?consumer_id=" + c.id(), null).json();
        assertThat(audit.at("/data/0/deployment").asText()).isEqualTo("moonshotai:duo-b");
    }

    @Test
    void whenEveryDeploymentFailsTheLastIsRetriedThenTheFallbackServes() {
        duo(1, 1);
        answering(FakeProvider.json(500, OpenAiWire.SERVER_ERROR), FakeProvider.json(503, OpenAiWire.OVERLOADED));
        TestRouter.Customer c = router.customer("100");

        TestRouter.Reply r = chat(c.key(), question(1));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("ollama/gpt-oss:120b");
        assertThat(received(fake, "duo-a")).isEqualTo(1);
        assertThat(received(eu, "duo-b")).as("the model's last deployment, with its one retry").isEqualTo(2);
        assertThat(received(fake, "gpt-oss:120b")).isEqualTo(1);
        assertThat(log(c.id()).getFirst().meta().deployment()).contains("ollama:gpt-oss:120b");
        assertThat(router.get("/metrics", Map.of()).body())
                .contains("hpp_fallbacks_total{from=\"test/duo\",to=\"ollama/gpt-oss:120b\"} 1.0");
    }

    @Test
    void aDeploymentWhoseCircuitIsOpenIsSkipped() {
        duo(1, 1);
        answering(FakeProvider.json(500, OpenAiWire.SERVER_ERROR), ok("duo-b"));
        TestRouter.Customer c = router.customer("100");
        for (int i = 0; i < 12; i++) {
            TestRouter.Reply r = chat(c.key(), question(i));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().at("/choices/0/message/content").asText()).isEqualTo("from duo-b");
        }
        assertThat(received(fake, "duo-a")).as("two failures opened its circuit; it was not called again").isEqualTo(2);
        assertThat(received(eu, "duo-b")).isEqualTo(12);
        assertThat(log(c.id())).allSatisfy(row -> assertThat(row.meta().deployment()).contains("moonshotai:duo-b"));
        assertThat(router.get("/metrics", Map.of()).body()).contains("hpp_circuit_state{target=\"openai:duo-a\"} 1.0");
        JsonNode duo = model("test/duo");
        assertThat(duo.at("/deployments/0/state").asText()).isEqualTo("open");
        assertThat(duo.at("/deployments/0/circuit").asText()).isEqualTo("openai:duo-a");
        assertThat(duo.at("/deployments/1/state").asText()).isEqualTo("closed");
        assertThat(duo.toString()).doesNotContain(UPSTREAM_KEY).doesNotContain("sk-moonshot");
    }

    @Test
    void theLeastBusyDeploymentIsPreferred() throws Exception {
        duo(1, 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        FakeProvider.Script holdFirst = (req, ex) -> {
            if (held.compareAndSet(false, true)) {
                release.await(1200, TimeUnit.MILLISECONDS); // within the provider's first-byte timeout (1500 ms)
            }
            ok(req.json().path("model").asText()).answer(req, ex);
        };
        answering(holdFirst, holdFirst);
        TestRouter.Customer c = router.customer("100");
        HttpRequest first = HttpRequest.newBuilder(URI.create(router.baseUrl() + "/llm/v1/chat/completions"))
                .header("Authorization", "Bearer " + c.key()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(question(0))).timeout(Duration.ofSeconds(10)).build();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(first, HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (fake.received().size() + eu.received().size() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        boolean heldOnA = fake.received().size() == 1;
        JsonNode during = model("test/duo");
        assertThat(during.at(heldOnA ? "/deployments/0/in_flight" : "/deployments/1/in_flight").asInt()).isEqualTo(1);
        assertThat(during.at(heldOnA ? "/deployments/1/in_flight" : "/deployments/0/in_flight").asInt()).isZero();
        for (int i = 1; i <= 6; i++) {
            assertThat(chat(c.key(), question(i)).status()).isEqualTo(200);
        }
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        FakeProvider busy = heldOnA ? fake : eu;
        FakeProvider idle = heldOnA ? eu : fake;
        assertThat(busy.received()).as("the busy deployment got only the request it held").hasSize(1);
        assertThat(idle.received()).as("round robin alone would have sent it three of the six").hasSize(6);
        assertThat(model("test/duo").at("/deployments/0/in_flight").asInt()).isZero();
    }

    @Test
    void aStreamIsRelayedFromTheDeploymentThatServesIt() {
        duo(1, 1);
        answering(FakeProvider.json(503, OpenAiWire.OVERLOADED), eu.sse(0, OpenAiWire.textStream("duo-b", List.of("streamed"), 7, 1)));
        TestRouter.Customer c = router.customer("100");
        StreamReply r = stream(c.key(), "{\"model\":\"test/duo\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data()).contains("[DONE]");
        assertThat(String.join("", r.data())).contains("streamed").contains("\"model\":\"test/duo\"");
        assertThat(received(fake, "duo-a")).isEqualTo(1);
        assertThat(eu.last().json().get("stream").asBoolean()).isTrue();
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.meta().deployment()).contains("moonshotai:duo-b");
        assertThat(row.usage().input()).isEqualTo(7);
        assertThat(model("test/duo").at("/deployments/1/in_flight").asInt()).as("the stream ended: nothing in flight").isZero();
    }

    @Test
    void theAdminApiValidatesDeployments() {
        String price = "\"pricing\":{\"input\":1,\"output\":2}";
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"t/x\"," + price + ",\"deployments\":[]}").status()).isEqualTo(400);
        TestRouter.Reply badWeight = router.admin("POST", "/admin/v1/models", "{\"id\":\"t/x\"," + price
                + ",\"deployments\":[{\"provider\":\"openai\",\"upstream_model\":\"x\",\"weight\":1001}]}");
        assertThat(badWeight.status()).isEqualTo(400);
        assertThat(badWeight.json().get("message").asText()).contains("deployments[0].weight").contains("1..1000");
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"t/x\"," + price
                + ",\"deployments\":[{\"provider\":\"Open AI\",\"upstream_model\":\"x\"}]}").status()).isEqualTo(400);
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"t/x\"," + price
                + ",\"deployments\":[{\"provider\":\"openai\",\"upstream_model\":\"x\"},{\"provider\":\"openai\",\"upstream_model\":\"x\"}]}")
                .status()).isEqualTo(400);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            many.append(i == 0 ? "" : ",").append("{\"provider\":\"openai\",\"upstream_model\":\"m").append(i).append("\"}");
        }
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"t/x\"," + price + ",\"deployments\":[" + many + "]}").status())
                .isEqualTo(400);
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"t/x\"," + price + ",\"provider\":\"moonshotai\","
                + "\"deployments\":[{\"provider\":\"openai\",\"upstream_model\":\"x\"}]}").status()).isEqualTo(400);
        assertThat(model("t/x")).as("nothing was saved").isNull();
        // the one-provider form replaces the deployments; a change of price keeps them
        duo(3, 1);
        router.admin("POST", "/admin/v1/models", "{\"id\":\"test/duo\",\"pricing\":{\"input\":2,\"output\":2}}");
        assertThat(model("test/duo").get("deployments")).hasSize(2);
        router.admin("POST", "/admin/v1/models", "{\"id\":\"test/duo\",\"provider\":\"moonshotai\",\"upstream_model\":\"solo\"}");
        JsonNode solo = model("test/duo");
        assertThat(solo.get("deployments")).hasSize(1);
        assertThat(solo.at("/deployments/0/provider").asText()).isEqualTo("moonshotai");
        assertThat(solo.at("/deployments/0/circuit").asText()).as("a model of one deployment keeps its circuit's name").isEqualTo("test/duo");
    }

    @Test
    void aDeploymentOfAProviderNotConfiguredIsSkipped() {
        assertThat(router.admin("POST", "/admin/v1/models", "{\"id\":\"test/duo\",\"pricing\":{\"input\":1,\"output\":2},"
                + "\"deployments\":[{\"provider\":\"nowhere\",\"upstream_model\":\"x\",\"weight\":1000},"
                + "{\"provider\":\"moonshotai\",\"upstream_model\":\"duo-b\"}]}").status()).isEqualTo(200);
        answering(ok("duo-a"), ok("duo-b"));
        TestRouter.Customer c = router.customer("100");
        for (int i = 0; i < 3; i++) {
            assertThat(chat(c.key(), question(i)).status()).isEqualTo(200);
        }
        assertThat(received(eu, "duo-b")).isEqualTo(3);
        assertThat(model("test/duo").at("/deployments/0/configured").asBoolean()).isFalse();
    }

    private JsonNode model(String id) {
        for (JsonNode m : router.admin("GET", "/admin/v1/models", null).json().get("data")) {
            if (m.get("id").asText().equals(id)) {
                return m;
            }
        }
        return null;
    }
}
