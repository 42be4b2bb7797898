package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ChatCompletionsTest extends ChatTestBase {

    @Test
    void nonStreamedCompletionIsRelayedWithOnlyTheModelRenamedAndIsBilledExactly() throws Exception {
        TestRouter.Customer c = router.customer("10");
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5-2025-08-07", "Hi!", 1000, 200, 400)));
        String request = "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}],\"seed\":7,\"top_p\":0.9,"
                + "\"user\":\"end-user-1\",\"response_format\":{\"type\":\"json_object\"},\"x_custom\":{\"a\":[1,2.50]},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":\"auto\",\"temperature\":0.7}";

        TestRouter.Reply r = chat(c.key(), request);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("openai/gpt-5");
        JsonNode answer = r.json();
        assertThat(OpenApi.errors("ChatCompletionResponse", answer)).isEmpty();
        assertThat(answer.get("model").asText()).isEqualTo("openai/gpt-5");
        JsonNode expected = Json.MAPPER.readTree(OpenAiWire.completion("gpt-5-2025-08-07", "Hi!", 1000, 200, 400));
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "openai/gpt-5");
        assertThat(answer).isEqualTo(expected);
        assertThat(r.body()).as("the provider's bytes, only the model's value replaced").isEqualTo(
                OpenAiWire.completion("gpt-5-2025-08-07", "Hi!", 1000, 200, 400).replace("\"gpt-5-2025-08-07\"", "\"openai/gpt-5\""));

        FakeProvider.Received up = fake.last();
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        assertThat(up.header("Authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        JsonNode sent = up.json();
        JsonNode original = Json.MAPPER.readTree(request);
        assertThat(sent.get("model").asText()).isEqualTo("gpt-5");
        for (String field : List.of("messages", "seed", "top_p", "user", "response_format", "x_custom", "tools", "tool_choice", "temperature")) {
            assertThat(sent.get(field)).as(field).isEqualTo(original.get(field));
        }
        assertThat(up.body()).contains("\"temperature\":0.7", "2.50");

        // 600 uncached input × 1.25 + 400 cached × 0.125 + 200 output × 10, per 1M tokens
        Money expectedCost = Money.ofDollars("0.00075").plus(Money.ofDollars("0.00005")).plus(Money.ofDollars("0.002"));
        assertThat(settledConsumer(c.id()).used()).isEqualTo(expectedCost);
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.resolvedModel()).contains("openai/gpt-5");
        assertThat(row.usage().promptTokens()).isEqualTo(1000);
        assertThat(row.usage().cacheRead()).isEqualTo(400);
        assertThat(row.usage().output()).isEqualTo(200);
        assertThat(row.status()).isEqualTo(200);
        assertLedgerBalanced(c.id());
    }

    @Test
    void anAnswerWithoutUsageKeepsItsShapeGetsTheModelRenamedAndIsBilledByEstimate() throws Exception {
        TestRouter.Customer c = router.customer("10");
        String upstream = "{\n  \"id\": \"chatcmpl-1\",\n  \"object\": \"chat.completion\",\n  \"model\": \"gpt-5\",\n"
                + "  \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": "
                + "\"Hello there, how are you today?\"}, \"finish_reason\": \"stop\"}]\n}\n";
        fake.enqueue(FakeProvider.json(200, upstream));

        TestRouter.Reply r = chat(c.key(), "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(r.status()).isEqualTo(200);
        com.fasterxml.jackson.databind.node.ObjectNode expected = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(upstream);
        expected.put("model", "openai/gpt-5");
        assertThat(r.json()).isEqualTo(expected);
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.usage().promptTokens()).isPositive();
        assertThat(row.usage().output()).isPositive();
        assertThat(row.cost().isPositive()).isTrue();
        assertThat(settledConsumer(c.id()).used()).isEqualTo(row.cost());
        assertLedgerBalanced(c.id());
    }

    @Test
    void streamIsRelayedEventByEventEndsWithDoneAndHidesTheUsageChunkTheClientDidNotAskFor() {
        TestRouter.Customer c = router.customer("10");
        fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-4o-mini-2024-07-18", List.of("Hel", "lo", "!"), 12, 3)));

        StreamReply r = stream(c.key(), body("openai/gpt-4o-mini", ",\"stream\":true"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        assertThat(r.header("X-HPP-Router-Resolved-Model")).isEqualTo("openai/gpt-4o-mini");
        assertThat(r.data().getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = r.data().subList(0, r.data().size() - 1).stream().map(ChatCompletionsTest::parse).toList();
        assertThat(chunks).hasSize(5);
        assertThat(chunks).allSatisfy(ch -> {
            assertThat(ch.get("model").asText()).isEqualTo("openai/gpt-4o-mini");
            assertThat(ch.has("usage")).isFalse();
            assertThat(ch.get("choices")).isNotEmpty();
        });
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> text.append(ch.at("/choices/0/delta/content").asText("")));
        assertThat(text.toString()).isEqualTo("Hello!");

        JsonNode sent = fake.last().json();
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");

        // 12 × 0.15 + 3 × 0.6 per 1M tokens
        assertThat(settledConsumer(c.id()).used()).isEqualTo(Money.ofDollars("0.0000036"));
        assertThat(log(c.id()).getFirst().streamed()).isTrue();
        assertLedgerBalanced(c.id());
    }

    @Test
    void eachEventReachesTheClientBeforeTheProviderSendsTheNext() throws Exception {
        TestRouter.Customer c = router.customer("10");
        List<String> events = OpenAiWire.textStream("gpt-4o-mini", List.of("one", "two"), 5, 2);
        CountDownLatch clientHasOne = new CountDownLatch(1);
        AtomicBoolean providerWaitedInVain = new AtomicBoolean();
        fake.enqueue((req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < events.size(); i++) {
                out.write(("data: " + events.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i == 1 && !clientHasOne.await(5, TimeUnit.SECONDS)) { // the role chunk and "one" are out
                    providerWaitedInVain.set(true);
                }
            }
        });
        HttpRequest req = HttpRequest.newBuilder(URI.create(router.baseUrl() + "/llm/v1/chat/completions"))
                .header("Authorization", "Bearer " + c.key())
                .POST(HttpRequest.BodyPublishers.ofString(body("openai/gpt-4o-mini", ",\"stream\":true"))).build();
        StringBuilder text = new StringBuilder();
        try (Stream<String> lines = http.send(req, HttpResponse.BodyHandlers.ofLines()).body()) {
            lines.filter(l -> l.startsWith("data: {")).forEach(l -> {
                text.append(parse(l.substring(6)).at("/choices/0/delta/content").asText(""));
                if (text.toString().equals("one")) {
                    clientHasOne.countDown();
                }
            });
        }
        assertThat(providerWaitedInVain).as("\"one\" reached the client while the provider waited").isFalse();
        assertThat(text.toString()).isEqualTo("onetwo");
        assertLedgerBalanced(c.id());
    }

    @Test
    void usageChunkIsForwardedWithEmptyChoicesWhenTheClientAskedForIt() {
        TestRouter.Customer c = router.customer("10");
        fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-4o", List.of("Yes"), 9, 1)));

        StreamReply r = stream(c.key(), body("openai/gpt-4o", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        JsonNode usageChunk = parse(r.data().get(r.data().size() - 2));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/prompt_tokens").asInt()).isEqualTo(9);
        assertThat(usageChunk.get("model").asText()).isEqualTo("openai/gpt-4o");
        assertThat(r.data().getLast()).isEqualTo("[DONE]");
    }

    @Test
    void toolCallDeltasPassThroughUnchanged() {
        TestRouter.Customer c = router.customer("10");
        fake.enqueue(fake.sse(0, OpenAiWire.toolCallStream("gpt-5")));

        StreamReply r = stream(c.key(), body("openai/gpt-5", ",\"stream\":true,\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]"));

        StringBuilder args = new StringBuilder();
        for (String d : r.data().subList(0, r.data().size() - 1)) {
            for (JsonNode call : parse(d).at("/choices/0/delta/tool_calls")) {
                args.append(call.at("/function/arguments").asText(""));
            }
        }
        assertThat(args.toString()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(parse(r.data().get(0)).at("/choices/0/delta/tool_calls/0/id").asText()).isEqualTo("call_DdmO9pD3xa9XTPNJ32zg2hcA");
        assertThat(parse(r.data().get(r.data().size() - 2)).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(settledConsumer(c.id()).used()).isEqualTo(Money.ofDollars("0.00027")); // 80×1.25 + 17×10 per 1M
    }

    @Test
    void ollamaAndMoonshotUseTheSameAdapterWithTheirOwnPathsAndCredentials() {
        TestRouter.Customer c = router.customer("10");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-oss:120b", "ok", 10, 2, 0)));

        TestRouter.Reply ollama = chat(c.key(), body("ollama/gpt-oss:120b", ""));
        assertThat(ollama.status()).isEqualTo(200);
        assertThat(fake.last().path()).isEqualTo("/v1/chat/completions");
        assertThat(fake.last().header("Authorization")).isNull();
        assertThat(fake.last().json().get("model").asText()).isEqualTo("gpt-oss:120b");

        TestRouter.Reply kimi = chat(c.key(), body("moonshotai/kimi-k2.6", ""));
        assertThat(kimi.status()).isEqualTo(200);
        assertThat(kimi.json().get("model").asText()).isEqualTo("moonshotai/kimi-k2.6");
        assertThat(fake.last().path()).isEqualTo("/moonshot/v1/chat/completions");
        assertThat(fake.last().header("Authorization")).isEqualTo("Bearer sk-moonshot");

        List<RequestLogEntry> rows = log(c.id());
        RequestLogEntry ollamaRow = rows.stream().filter(e -> e.resolvedModel().orElse("").startsWith("ollama/")).findFirst().orElseThrow();
        assertThat(ollamaRow.cost()).isEqualTo(Money.ZERO);
        assertThat(ollamaRow.usage().totalTokens()).isEqualTo(12);
        assertLedgerBalanced(c.id());
    }

    static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(s, e);
        }
    }
}
