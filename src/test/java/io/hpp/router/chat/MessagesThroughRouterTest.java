package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's Messages API through the whole router: relayed as sent to a fake Anthropic server, translated for a fake
 * OpenAI-compatible one; what each fake received, what the client got, and what was billed.
 */
class MessagesThroughRouterTest extends ChatTestBase {
    private static final String BETA = "claude-code-20250219,interleaved-thinking-2025-05-14";

    /** A Claude Code-like request: fields the router does not read (thinking, cache_control, a server tool …). */
    private static final String CLAUDE_CODE_LIKE = """
            {"model":"%s","max_tokens":1024,"stream":%s,\
            "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],\
            "messages":[{"role":"user","content":[{"type":"text","text":"Say hello","cache_control":{"type":"ephemeral"}}]}],\
            "thinking":{"type":"enabled","budget_tokens":512},\
            "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},\
            "metadata":{"user_id":"u-1"},"output_config":{"effort":"high"},\
            "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":3}]}""";

    /** Anthropic's event stream as its API sends it (a ping with a space in its JSON, as Anthropic's has). */
    private static final String ANTHROPIC_STREAM = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":100,"cache_read_input_tokens":200,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    private static final String ANTHROPIC_ANSWER = """
            {"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",\
            "content":[{"type":"thinking","thinking":"brief","signature":"sig=="},{"type":"text","text":"Hello!"}],\
            "stop_reason":"end_turn","stop_sequence":null,\
            "usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":15}}""";

    @Override
    Map<String, String> extraEnv() {
        return Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-test", "HPP_ROUTER_STREAM_PING_MS", "150");
    }

    private static FakeProvider.Script raw(String contentType, String text, boolean close) {
        return (req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (close) {
                out.close();
            }
        };
    }

    private HttpResponse<String> post(String path, String key, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01").header("anthropic-beta", BETA)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    /** The events of an SSE body: name and data, in order. */
    private static List<String[]> events(String sse) {
        List<String[]> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (name != null) {
                out.add(new String[] {name, data});
            }
        }
        return out;
    }

    private static List<String> names(String sse) {
        return events(sse).stream().map(e -> e[0]).toList();
    }

    @Test
    void aStreamToAnthropicIsRelayedByteForByteButTheModelAndBilledFromItsUsage() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(raw("text/event-stream", ANTHROPIC_STREAM, false));
        String sent = CLAUDE_CODE_LIKE.formatted("anthropic/claude-sonnet-4", "true");

        HttpResponse<String> r = post("/v1/messages?beta=true", c.key(), sent);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(r.body()).isEqualTo(ANTHROPIC_STREAM.replace("\"model\":\"claude-sonnet-4-20250514\"", "\"model\":\"anthropic/claude-sonnet-4\""));

        FakeProvider.Received up = fake.last();
        assertThat(up.path()).isEqualTo("/v1/messages");
        assertThat(up.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(up.header("anthropic-beta")).isEqualTo(BETA);
        assertThat(up.header("anthropic-version")).isEqualTo("2023-06-01");
        ObjectNode expected = (ObjectNode) parse(sent);
        expected.put("model", "claude-sonnet-4-20250514");
        assertThat(up.json()).isEqualTo(expected); // every field as sent, the server tool and the cache markers too

        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.meta().endpoint()).isEqualTo("messages");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usage().input()).isEqualTo(25);
        assertThat(row.usage().cacheWrite()).isEqualTo(100);
        assertThat(row.usage().cacheRead()).isEqualTo(200);
        assertThat(row.usage().output()).isEqualTo(15);
        // 25 × $3 + 100 × $3.75 + 200 × $0.30 + 15 × $15, per 1M tokens
        assertThat(row.cost()).isEqualTo(Money.ofDollars("0.000735"));
        assertLedgerBalanced(c.id());
    }

    @Test
    void anAnswerFromAnthropicComesBackAsSentButTheModel() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, ANTHROPIC_ANSWER));

        HttpResponse<String> r = post("/v1/messages", c.key(), CLAUDE_CODE_LIKE.formatted("claude-sonnet-4-20250514", "false"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-HPP-Router-Resolved-Model")).hasValue("anthropic/claude-sonnet-4");
        assertThat(r.body()).isEqualTo(ANTHROPIC_ANSWER.replace("claude-sonnet-4-20250514", "anthropic/claude-sonnet-4"));
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.requestedModel()).isEqualTo("claude-sonnet-4-20250514"); // Anthropic's own id: an alias
        assertThat(row.cost()).isEqualTo(Money.ofDollars("0.0003"));
    }

    @Test
    void aStreamToAnOpenAiModelComesBackAsAnthropicsEventSequence() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(fake.sse(0, List.of(
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}",
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}",
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":2,\"total_tokens\":32}}",
                "[DONE]")));

        HttpResponse<String> r = post("/v1/messages?beta=true", c.key(), CLAUDE_CODE_LIKE.formatted("openai/gpt-4o-mini", "true"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(names(r.body())).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        List<String[]> events = events(r.body());
        JsonNode start = parse(events.getFirst()[1]);
        assertThat(start.at("/message/model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(start.at("/message/usage/input_tokens").asLong()).isPositive(); // the estimate clients show
        assertThat(parse(events.get(5)[1]).at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(parse(events.get(5)[1]).at("/usage/output_tokens").asLong()).isEqualTo(2);

        FakeProvider.Received up = fake.last();
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        JsonNode body = up.json();
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Say hello");
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(body.get("max_completion_tokens").asLong()).isEqualTo(1024); // what OpenAI takes (its reasoning models refuse max_tokens)
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.get("user").asText()).isEqualTo("u-1");
        assertThat(body.has("tools")).isFalse(); // the server tool has no chat equivalent
        assertThat(body.has("thinking")).isFalse();

        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.meta().endpoint()).isEqualTo("messages");
        assertThat(row.usage().input()).isEqualTo(30);
        assertThat(row.usage().output()).isEqualTo(2);
        assertThat(row.cost()).isEqualTo(Money.ofDollars("0.0000057")); // 30 × $0.15 + 2 × $0.60 per 1M
    }

    @Test
    void anAnthropicStreamCutShortEndsInAnErrorEventNeverInMessageStop() {
        TestRouter.Customer c = router.customer("1");
        String cut = ANTHROPIC_STREAM.substring(0, ANTHROPIC_STREAM.indexOf("event: content_block_stop"));
        fake.enqueue(raw("text/event-stream", cut, true));

        HttpResponse<String> r = post("/v1/messages", c.key(), CLAUDE_CODE_LIKE.formatted("anthropic/claude-sonnet-4", "true"));

        List<String> names = names(r.body());
        assertThat(names).startsWith("message_start", "content_block_start").endsWith("error").doesNotContain("message_stop");
        JsonNode error = parse(events(r.body()).getLast()[1]);
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isNotBlank();
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.status()).isGreaterThanOrEqualTo(500);
        assertThat(row.usage().input()).isEqualTo(25); // what message_start reported is billed
        assertLedgerBalanced(c.id());
    }

    @Test
    void anOpenAiStreamCutShortEndsInAnErrorEvent() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(raw("text/event-stream",
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n",
                true));

        HttpResponse<String> r = post("/v1/messages", c.key(), CLAUDE_CODE_LIKE.formatted("openai/gpt-4o-mini", "true"));

        assertThat(names(r.body())).startsWith("message_start").endsWith("error").doesNotContain("message_stop", "message_delta");
        assertLedgerBalanced(c.id());
    }

    @Test
    void aSilentProviderGetsPingsToTheClient() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(fake.sse(700, List.of(
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}",
                "[DONE]")));

        HttpResponse<String> r = post("/v1/messages", c.key(), CLAUDE_CODE_LIKE.formatted("openai/gpt-4o-mini", "true"));

        List<String> names = names(r.body());
        assertThat(names).contains("ping").endsWith("message_delta", "message_stop");
        assertThat(names.indexOf("ping")).isGreaterThan(names.indexOf("message_start"));
    }

    @Test
    void errorsAreInAnthropicsShapeWithItsStatuses() {
        TestRouter.Customer c = router.customer("1");
        TestRouter.Customer broke = router.customer("0");

        HttpResponse<String> noKey = post("/v1/messages", "wrong-key", CLAUDE_CODE_LIKE.formatted("openai/gpt-4o-mini", "false"));
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(parse(noKey.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(parse(noKey.body()).get("type").asText()).isEqualTo("error");

        HttpResponse<String> unknown = post("/v1/messages", c.key(), CLAUDE_CODE_LIKE.formatted("claude-nonexistent-9", "false"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(parse(unknown.body()).at("/error/type").asText()).isEqualTo("not_found_error");
        assertThat(parse(unknown.body()).at("/error/message").asText()).contains("claude-nonexistent-9", "/llm/v1/models");

        HttpResponse<String> poor = post("/v1/messages", broke.key(), CLAUDE_CODE_LIKE.formatted("openai/gpt-4o-mini", "false"));
        assertThat(poor.statusCode()).isEqualTo(402);
        assertThat(parse(poor.body()).at("/error/type").asText()).isEqualTo("billing_error");
        assertThat(parse(poor.body()).at("/error/message").asText()).containsIgnoringCase("credit balance is too low");

        HttpResponse<String> noMax = post("/v1/messages", c.key(), "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[]}");
        assertThat(noMax.statusCode()).isEqualTo(400);
        assertThat(parse(noMax.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(parse(noMax.body()).at("/error/message").asText()).contains("max_tokens");

        HttpResponse<String> notJson = post("/v1/messages", c.key(), "{\"model\":");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(parse(notJson.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

        fake.enqueue(FakeProvider.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        HttpResponse<String> overloaded = post("/v1/messages", c.key(), CLAUDE_CODE_LIKE.formatted("anthropic/claude-sonnet-4", "false"));
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(parse(overloaded.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(overloaded.body()).doesNotContain("Exception", "io.hpp");
    }

    @Test
    void countTokensIsAnthropicsOwnCountForClaudeAndOurTokenizerForTheRest() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, "{\"input_tokens\":1234}"));
        String count = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}],\"tools\":[]}";

        HttpResponse<String> claude = post("/v1/messages/count_tokens?beta=true", c.key(), count.formatted("anthropic/claude-sonnet-4", "Hello"));
        assertThat(claude.statusCode()).isEqualTo(200);
        assertThat(parse(claude.body()).get("input_tokens").asLong()).isEqualTo(1234);
        assertThat(fake.last().path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(fake.last().json().get("model").asText()).isEqualTo("claude-sonnet-4-20250514");

        int calls = fake.received().size();
        long small = parse(post("/v1/messages/count_tokens", c.key(), count.formatted("openai/gpt-4o-mini", "Hello")).body())
                .get("input_tokens").asLong();
        long large = parse(post("/v1/messages/count_tokens", c.key(), count.formatted("openai/gpt-4o-mini", "Hello ".repeat(500))).body())
                .get("input_tokens").asLong();
        assertThat(small).isPositive();
        assertThat(large).isGreaterThan(small + 400);
        assertThat(fake.received()).hasSize(calls); // counted here, not upstream

        List<RequestLogEntry> rows = log(c.id());
        assertThat(rows).hasSize(3).allSatisfy(row -> {
            assertThat(row.meta().endpoint()).isEqualTo("count_tokens");
            assertThat(row.cost()).isEqualTo(Money.ZERO);
        });
    }

    @Test
    void aBalanceThatCannotPayTheWholeCapLowersMaxTokensUpstream() {
        TestRouter.Customer c = router.customer("0.05");
        fake.enqueue(FakeProvider.json(200, ANTHROPIC_ANSWER));
        String body = CLAUDE_CODE_LIKE.formatted("anthropic/claude-sonnet-4", "false").replace("\"max_tokens\":1024", "\"max_tokens\":32000");

        HttpResponse<String> r = post("/v1/messages", c.key(), body);

        assertThat(r.statusCode()).isEqualTo(200);
        long sentCap = fake.last().json().get("max_tokens").asLong();
        assertThat(sentCap).isPositive().isLessThan(32000); // 32,000 × $15 per 1M is $0.48, beyond the $0.05 balance
        assertThat(fake.last().json().get("thinking")).isEqualTo(parse(body).get("thinking"));
        assertLedgerBalanced(c.id());
    }

    @Test
    void bearerAndApikeyHeadersAreAcceptedToo() {
        TestRouter.Customer c = router.customer("1");
        fake.always(FakeProvider.json(200, ANTHROPIC_ANSWER));
        String body = CLAUDE_CODE_LIKE.formatted("anthropic/claude-sonnet-4", "false");
        for (String header : List.of("Authorization", "apikey")) {
            TestRouter.Reply r = router.send("POST", "/v1/messages", body,
                    Map.of(header, header.equals("apikey") ? c.key() : "Bearer " + c.key()));
            assertThat(r.status()).as(header).isEqualTo(200);
        }
        assertThat(fake.received()).hasSize(2).allSatisfy(up -> assertThat(up.header("x-api-key")).isEqualTo("sk-ant-test"));
    }

    @Test
    void autoClassifiesAMessagesRequestWithToolsIntoTheToolBasket() {
        TestRouter.Customer c = router.customer("5");
        fake.always(FakeProvider.json(200, io.hpp.router.testing.OpenAiWire.completion("gpt-5-mini", "ok", 900, 10, 0)));
        String withTool = """
                {"model":"hpprouter/auto","max_tokens":256,"messages":[{"role":"user","content":"Read notes.txt"}],                "tools":[{"name":"Read","description":"Reads a file","input_schema":{"type":"object","properties":{"file_path":{"type":"string"}}}}]}""";

        HttpResponse<String> r = post("/v1/messages", c.key(), withTool);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-HPP-Router-Basket")).hasValue("tool");
        assertThat(parse(r.body()).get("type").asText()).isEqualTo("message");
        assertThat(fake.last().json().at("/tools/0/function/name").asText()).isEqualTo("Read");
        assertThat(log(c.id()).getFirst().basket()).contains("tool");
    }

    @Test
    void anAnthropicFailureBeforeTheFirstByteFallsBackToATranslatedModel() {
        TestRouter.Customer c = router.customer("5");
        router.admin("POST", "/admin/v1/models", "{\"id\":\"anthropic/claude-sonnet-4\",\"fallbacks\":[\"openai/gpt-4o-mini\"]}");
        fake.enqueue(FakeProvider.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        fake.enqueue(FakeProvider.json(200, io.hpp.router.testing.OpenAiWire.completion("gpt-4o-mini", "From the fallback", 20, 4, 0)));

        HttpResponse<String> r = post("/v1/messages", c.key(), CLAUDE_CODE_LIKE.formatted("anthropic/claude-sonnet-4", "false"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-HPP-Router-Resolved-Model")).hasValue("openai/gpt-4o-mini");
        JsonNode answer = parse(r.body());
        assertThat(answer.at("/content/0/text").asText()).isEqualTo("From the fallback");
        assertThat(answer.get("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(fake.received()).extracting(FakeProvider.Received::path).containsExactly("/v1/messages", "/v1/chat/completions");
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.resolvedModel()).contains("openai/gpt-4o-mini");
        assertThat(row.usage().input()).isEqualTo(20);
        assertLedgerBalanced(c.id());
    }
}
