package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's Responses API through the whole router: relayed as sent to a fake OpenAI (its own /v1/responses),
 * translated for a chat-only provider, the conversations the router keeps, and OpenAI's error shape.
 */
class ResponsesThroughRouterTest extends ChatTestBase {
    /** A Codex-like request: fields the router does not read (reasoning, include, a built-in tool, client metadata). */
    private static final String CODEX_LIKE = """
            {"model":"%s","stream":%s,"input":[\
            {"type":"message","role":"developer","content":[{"type":"input_text","text":"You are a coding agent."}]},\
            {"type":"message","role":"user","content":[{"type":"input_text","text":"Say hello"}]}],\
            "tools":[{"type":"function","name":"exec_command","description":"Runs a command","strict":false,\
            "parameters":{"type":"object","properties":{"cmd":{"type":"string"}},"required":["cmd"]}},\
            {"type":"web_search","external_web_access":false}],\
            "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"summary":"auto"},"store":%s,\
            "include":["reasoning.encrypted_content"],"prompt_cache_key":"thread-1","max_output_tokens":1000}""";

    private static final String OPENAI_RESPONSE = """
            {"id":"resp_0123","object":"response","created_at":1741476542,"status":"completed","model":"gpt-5",\
            "output":[{"type":"message","id":"msg_01","status":"completed","role":"assistant",\
            "content":[{"type":"output_text","text":"Hello!","annotations":[]}]}],\
            "usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":40},"output_tokens":20,\
            "output_tokens_details":{"reasoning_tokens":12},"total_tokens":120}}""";

    private static final String OPENAI_STREAM = """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_0456","object":"response","created_at":1,"status":"in_progress","model":"gpt-5","output":[]}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"message","id":"msg_02","status":"in_progress","role":"assistant","content":[]}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_02","output_index":0,"content_index":0,"delta":"Hi"}

            event: response.output_item.done
            data: {"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":{"type":"message","id":"msg_02","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hi","annotations":[]}]}}

            event: response.completed
            data: {"type":"response.completed","sequence_number":4,"response":{"id":"resp_0456","object":"response","created_at":1,"status":"completed","model":"gpt-5","output":[{"type":"message","id":"msg_02","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hi","annotations":[]}]}],"usage":{"input_tokens":50,"input_tokens_details":{"cached_tokens":0},"output_tokens":5,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":55}}}

            """;

    @Override
    Map<String, String> extraEnv() {
        return Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-test");
    }

    private TestRouter.Reply responses(String key, String body) {
        return router.send("POST", "/llm/v1/responses", body, Map.of("Authorization", "Bearer " + key));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    private static FakeProvider.Script sse(String text) {
        return (req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    /** The event types of an SSE body, in order. */
    private static List<String> types(String sse) {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(parse(line.substring(6)).path("type").asText());
            }
        }
        return out;
    }

    @Test
    void aResponseFromOpenAiIsRelayedAsSentButTheModelAndBilledFromItsUsage() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, OPENAI_RESPONSE));
        String sent = CODEX_LIKE.formatted("openai/gpt-5", "false", "false");

        TestRouter.Reply r = responses(c.key(), sent);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(OPENAI_RESPONSE.replace("\"model\":\"gpt-5\"", "\"model\":\"openai/gpt-5\""));
        FakeProvider.Received up = fake.last();
        assertThat(up.path()).isEqualTo("/v1/responses");
        assertThat(up.header("Authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        ObjectNode expected = (ObjectNode) parse(sent);
        expected.put("model", "gpt-5");
        assertThat(up.json()).isEqualTo(expected); // every field as sent: the built-in tool, reasoning, include …

        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.meta().endpoint()).isEqualTo("responses");
        assertThat(row.usage().input()).isEqualTo(60);
        assertThat(row.usage().cacheRead()).isEqualTo(40);
        assertThat(row.usage().output()).isEqualTo(20);
        // 60 × $1.25 + 40 × $0.125 + 20 × $10, per 1M tokens
        assertThat(row.cost()).isEqualTo(Money.ofDollars("0.00028"));
        assertLedgerBalanced(c.id());
    }

    @Test
    void aStreamFromOpenAiIsRelayedEventByEvent() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(sse(OPENAI_STREAM));

        StreamReply r = stream("/llm/v1/responses", c.key(), CODEX_LIKE.formatted("openai/gpt-5", "true", "false"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data()).hasSize(5);
        assertThat(parse(r.data().getFirst()).at("/response/model").asText()).isEqualTo("openai/gpt-5");
        assertThat(parse(r.data().getLast()).at("/response/model").asText()).isEqualTo("openai/gpt-5");
        assertThat(r.data().get(2)).isEqualTo(OPENAI_STREAM.lines().filter(l -> l.startsWith("data: ")).toList().get(2).substring(6));
        assertThat(fake.last().json().get("store").asBoolean()).isFalse();
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.usage().input()).isEqualTo(50);
        assertThat(row.usage().output()).isEqualTo(5);
    }

    @Test
    void aChatOnlyProviderGetsATranslationAndTheClientTheResponsesEventSequence() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(fake.sse(0, OpenAiWire.textStream("kimi-k2.6", List.of("Hel", "lo"), 30, 2)));

        StreamReply r = stream("/llm/v1/responses", c.key(), CODEX_LIKE.formatted("moonshotai/kimi-k2.6", "true", "false"));

        assertThat(r.status()).isEqualTo(200);
        List<String> types = r.data().stream().map(d -> parse(d).path("type").asText()).toList();
        assertThat(types.getFirst()).isEqualTo("response.created");
        assertThat(types).contains("response.output_text.delta", "response.output_item.done").endsWith("response.completed");
        JsonNode completed = parse(r.data().getLast());
        assertThat(completed.at("/response/output/0/content/0/text").asText()).isEqualTo("Hello");
        assertThat(completed.at("/response/usage/output_tokens").asLong()).isEqualTo(2);
        List<Long> numbers = r.data().stream().map(d -> parse(d).path("sequence_number").asLong()).toList();
        assertThat(numbers).isSorted().doesNotHaveDuplicates();

        JsonNode up = fake.last().json();
        assertThat(fake.last().path()).isEqualTo("/moonshot/v1/chat/completions");
        assertThat(up.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(up.at("/messages/0/content").asText()).contains("You are a coding agent.");
        assertThat(up.at("/tools/0/function/name").asText()).isEqualTo("exec_command");
        assertThat(up.get("tools")).hasSize(1); // web_search has no chat equivalent
        assertThat(up.get("max_tokens").asLong()).isEqualTo(1000);
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.meta().endpoint()).isEqualTo("responses");
        assertThat(row.usage().input()).isEqualTo(30);
    }

    @Test
    void aStoredResponseContinuesOnAnotherProviderAndOnlyItsOwnerSeesIt() {
        TestRouter.Customer c = router.customer("1");
        TestRouter.Customer other = router.customer("1");
        fake.enqueue(FakeProvider.json(200, OPENAI_RESPONSE));
        TestRouter.Reply first = responses(c.key(), CODEX_LIKE.formatted("openai/gpt-5", "false", "true"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String id = parse(first.body()).get("id").asText();
        assertThat(fake.last().json().get("store").asBoolean()).as("the router keeps it, not the provider").isFalse();
        assertThat(parse(first.body()).get("store").asBoolean()).as("and tells the client it is kept").isTrue();

        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("kimi-k2.6", "Second turn", 80, 3, 0)));
        TestRouter.Reply second = responses(c.key(), """
                {"model":"moonshotai/kimi-k2.6","previous_response_id":"%s","input":"And again?"}""".formatted(id));
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        JsonNode sentOn = fake.last().json().get("messages");
        assertThat(sentOn.toString()).contains("You are a coding agent.", "Say hello", "Hello!", "And again?");
        assertThat(sentOn.get(sentOn.size() - 2).get("role").asText()).isEqualTo("assistant"); // the first answer, then the new input
        assertThat(parse(second.body()).at("/output/0/content/0/text").asText()).isEqualTo("Second turn");

        TestRouter.Reply got = router.get("/llm/v1/responses/" + id, Map.of("Authorization", "Bearer " + c.key()));
        assertThat(got.status()).isEqualTo(200);
        assertThat(parse(got.body()).get("id").asText()).isEqualTo(id);
        assertThat(parse(got.body()).get("model").asText()).isEqualTo("openai/gpt-5");
        TestRouter.Reply notHis = router.get("/llm/v1/responses/" + id, Map.of("Authorization", "Bearer " + other.key()));
        assertThat(notHis.status()).isEqualTo(404);
        assertThat(parse(notHis.body()).at("/error/message").asText()).contains(id);
        TestRouter.Reply continuedByOther = responses(other.key(), """
                {"model":"moonshotai/kimi-k2.6","previous_response_id":"%s","input":"Steal it"}""".formatted(id));
        assertThat(continuedByOther.status()).isEqualTo(400);
        assertThat(parse(continuedByOther.body()).at("/error/message").asText()).contains("not found");

        TestRouter.Reply deleted = router.send("DELETE", "/llm/v1/responses/" + id, "", Map.of("Authorization", "Bearer " + c.key()));
        assertThat(parse(deleted.body()).get("deleted").asBoolean()).isTrue();
        assertThat(router.get("/llm/v1/responses/" + id, Map.of("Authorization", "Bearer " + c.key())).status()).isEqualTo(404);
    }

    @Test
    void storeFalseKeepsNothing() {
        TestRouter.Customer c = router.customer("1");
        fake.enqueue(FakeProvider.json(200, OPENAI_RESPONSE));
        TestRouter.Reply r = responses(c.key(), CODEX_LIKE.formatted("openai/gpt-5", "false", "false"));
        String id = parse(r.body()).get("id").asText();
        assertThat(router.get("/llm/v1/responses/" + id, Map.of("Authorization", "Bearer " + c.key())).status()).isEqualTo(404);
    }

    @Test
    void errorsAreInOpenAisShape() {
        TestRouter.Customer c = router.customer("1");
        TestRouter.Customer broke = router.customer("0");

        TestRouter.Reply unknown = responses(c.key(), CODEX_LIKE.formatted("openai/nonexistent-9", "false", "false"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(parse(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(parse(unknown.body()).at("/error/message").asText()).contains("openai/nonexistent-9");

        TestRouter.Reply poor = responses(broke.key(), CODEX_LIKE.formatted("openai/gpt-5", "false", "false"));
        assertThat(poor.status()).isEqualTo(429);
        assertThat(parse(poor.body()).at("/error/code").asText()).isEqualTo("insufficient_quota");

        TestRouter.Reply badKey = responses("wrong", CODEX_LIKE.formatted("openai/gpt-5", "false", "false"));
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(parse(badKey.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");

        TestRouter.Reply notJson = responses(c.key(), "{\"model\":");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(parse(notJson.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(fake.received()).isEmpty();
    }
}
