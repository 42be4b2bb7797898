package io.hpp.router.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26 end to end: the real Claude Code CLI (2.1.332, tools/agents) pointed at a router in this JVM, asked to read
 * a file and say the secret word in it. It makes two streamed {@code POST /v1/messages?beta=true} calls (the model asks
 * for Read, then answers from the tool result); the router relays them to a fake Anthropic as sent, or translates them
 * for a fake OpenAI-compatible provider. What Claude Code sends is described in docs/research/claude-code-offline.md.
 */
class ClaudeCodeTest {
    private static final String UPSTREAM_ANTHROPIC_KEY = "sk-ant-upstream-key";
    private static final String UPSTREAM_OPENAI_KEY = "sk-openai-upstream-key";
    private static final String PROMPT = "Read the file notes.txt and tell me the secret word in it";

    @TempDir
    Path tmp;
    private Path home;
    private Path work;
    private String secret;
    private FakeProvider fake;
    private TestRouter router;
    private TestRouter.Customer customer;

    @BeforeAll
    static void installed() {
        ClaudeCodeCli.requireInstalled();
    }

    @BeforeEach
    void start() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        secret = "KUMQUAT" + UUID.randomUUID().toString().substring(0, 8).toUpperCase().replace('-', 'X');
        Files.writeString(work.resolve("notes.txt"), "Shopping list: flour, eggs.\nThe secret word is " + secret + ".\n");
        fake = new FakeProvider();
        router = TestRouter.start(Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", UPSTREAM_ANTHROPIC_KEY,
                "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", UPSTREAM_OPENAI_KEY, "HPP_ROUTER_RETRIES", "0"));
        // Claude Code asks for max_tokens 32000: at Sonnet's $15/M output that is a $0.48 hold per call
        customer = router.customer("10");
    }

    @AfterEach
    void stop() {
        router.close();
        fake.close();
    }

    private ClaudeCodeCli.Run claude(String model) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("ANTHROPIC_BASE_URL", router.baseUrl());
        env.put("ANTHROPIC_API_KEY", customer.key());
        env.put("ANTHROPIC_MODEL", model);
        return ClaudeCodeCli.run(home, work, PROMPT, env);
    }

    private String notes() {
        return work.resolve("notes.txt").toString();
    }

    @Test
    void anthropicModelIsRelayedAsClaudeCodeSentIt() throws Exception {
        ClaudeCodeFakes.AnthropicTurn1 turn1 = new ClaudeCodeFakes.AnthropicTurn1("toolu_01FakeRead" + secret, "RmFrZVNpZ25hdHVyZQ==");
        fake.always(ClaudeCodeFakes.anthropic(notes(), turn1));

        ClaudeCodeCli.Run run = claude("anthropic/claude-sonnet-4");

        assertThat(run.exit()).as("%s", run).isZero();
        JsonNode out = run.json();
        assertThat(out.path("is_error").asBoolean(true)).as("%s", run).isFalse();
        assertThat(out.path("result").asText()).as("%s", run).contains(secret);
        assertThat(out.path("num_turns").asInt()).as("%s", run).isEqualTo(2);
        // the usage Claude Code read from the relayed streams: both turns' numbers, summed by the client
        assertThat(out.at("/usage/input_tokens").asLong()).as("%s", run).isEqualTo(20 + 30);
        assertThat(out.at("/usage/cache_creation_input_tokens").asLong()).as("%s", run).isEqualTo(5000 + 200);
        assertThat(out.at("/usage/cache_read_input_tokens").asLong()).as("%s", run).isEqualTo(5000);
        assertThat(out.at("/usage/output_tokens").asLong()).as("%s", run).isEqualTo(60 + 15);

        List<FakeProvider.Received> calls = fake.received();
        assertThat(calls).as("%s", run).extracting(FakeProvider.Received::method, FakeProvider.Received::path)
                .containsExactly(tuple("POST", "/v1/messages"), tuple("POST", "/v1/messages"));
        for (FakeProvider.Received call : calls) {
            assertThat(call.header("x-api-key")).isEqualTo(UPSTREAM_ANTHROPIC_KEY);
            assertThat(call.header("Authorization")).isNull();
            assertThat(call.header("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(call.header("anthropic-beta")).as("anthropic-beta").contains("claude-code-20250219", "interleaved-thinking-2025-05-14",
                    "context-management-2025-06-27");
            assertFieldsTheRouterDoesNotReadArrivedAsSent(call.json());
        }
        JsonNode second = calls.get(1).json();
        JsonNode messages = second.get("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        assertThat(assistant.get("role").asText()).isEqualTo("assistant");
        // the thinking block goes back with the signature the provider gave it, or Anthropic refuses the turn
        assertThat(assistant.at("/content/0/type").asText()).isEqualTo("thinking");
        assertThat(assistant.at("/content/0/signature").asText()).isEqualTo(turn1.thinkingSignature());
        assertThat(assistant.findValues("input")).contains(Json.object().put("file_path", notes()));
        JsonNode result = messages.get(messages.size() - 1).get("content").get(0);
        assertThat(result.get("type").asText()).isEqualTo("tool_result");
        assertThat(result.get("tool_use_id").asText()).isEqualTo(turn1.toolUseId());
        assertThat(result.get("content").asText()).contains("The secret word is " + secret);
        assertThat(result.get("cache_control")).isEqualTo(Json.object().put("type", "ephemeral"));

        // 20 × $3 + 5,000 cache-write × $3.75 + 60 × $15, then 30 × $3 + 200 × $3.75 + 5,000 cache-read × $0.30 + 15 × $15 (per 1M)
        assertBilled("anthropic/claude-sonnet-4",
                tuple(new TokenUsage(20, 60, 5000, 0), Money.ofDollars("0.01971")),
                tuple(new TokenUsage(30, 15, 200, 5000), Money.ofDollars("0.002565")));
    }

    /** What the router relays without reading: the upstream model id in, everything else as Claude Code 2.1.332 sends it. */
    private static void assertFieldsTheRouterDoesNotReadArrivedAsSent(JsonNode body) throws IOException {
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("max_tokens").asLong()).isEqualTo(32000);
        assertThat(body.get("thinking")).isEqualTo(Json.MAPPER.readTree("{\"budget_tokens\":31999,\"type\":\"enabled\",\"display\":\"omitted\"}"));
        assertThat(body.get("context_management"))
                .isEqualTo(Json.MAPPER.readTree("{\"edits\":[{\"type\":\"clear_thinking_20251015\",\"keep\":\"all\"}]}"));
        // user_id is a JSON object serialised into a string
        JsonNode user = Json.MAPPER.readTree(body.at("/metadata/user_id").asText());
        assertThat(user.get("session_id").asText()).isNotBlank();
        assertThat(user.get("device_id").asText()).hasSize(64);
        JsonNode system = body.get("system");
        assertThat(system.isArray()).isTrue();
        assertThat(system.get(0).get("text").asText()).startsWith("x-anthropic-billing-header: cc_version=2.1.332");
        assertThat(system.get(1)).isEqualTo(Json.object().put("type", "text")
                .put("text", "You are a Claude agent, built on Anthropic's Claude Agent SDK.")
                .set("cache_control", Json.object().put("type", "ephemeral")));
        assertThat(body.get("tools")).hasSize(1);
        JsonNode read = body.get("tools").get(0);
        assertThat(read.get("name").asText()).isEqualTo("Read");
        assertThat(read.at("/input_schema/$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(read.at("/input_schema/properties/limit/maximum").asLong()).isEqualTo(9007199254740991L);
    }

    @Test
    void openAiModelGetsClaudeCodeTranslated() throws Exception {
        String callId = "call_Fake" + secret;
        fake.always(ClaudeCodeFakes.openAi(fake, notes(), callId));

        ClaudeCodeCli.Run run = claude("openai/gpt-4o-mini");

        assertThat(run.exit()).as("%s", run).isZero();
        JsonNode out = run.json();
        assertThat(out.path("is_error").asBoolean(true)).as("%s", run).isFalse();
        assertThat(out.path("result").asText()).as("%s", run).contains(secret);
        assertThat(out.path("num_turns").asInt()).as("%s", run).isEqualTo(2);
        // the usage Claude Code read from the translated streams: input without the cached tokens, as Anthropic counts it
        assertThat(out.at("/usage/input_tokens").asLong()).as("%s", run).isEqualTo(9000 + 140);
        assertThat(out.at("/usage/cache_read_input_tokens").asLong()).as("%s", run).isEqualTo(8960);
        assertThat(out.at("/usage/output_tokens").asLong()).as("%s", run).isEqualTo(40 + 20);

        List<FakeProvider.Received> calls = fake.received();
        assertThat(calls).as("%s", run).extracting(FakeProvider.Received::method, FakeProvider.Received::path)
                .containsExactly(tuple("POST", "/v1/chat/completions"), tuple("POST", "/v1/chat/completions"));
        for (FakeProvider.Received call : calls) {
            assertThat(call.header("Authorization")).isEqualTo("Bearer " + UPSTREAM_OPENAI_KEY);
            JsonNode body = call.json();
            assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(body.get("stream").asBoolean()).isTrue();
            assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
            assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
            assertThat(body.at("/messages/0/content").toString()).contains("You are a Claude agent");
            // for a model it does not know Claude Code adds its tool-search placeholder (defer_loading), translated as a tool too
            assertThat(body.get("tools")).extracting(t -> t.path("type").asText(), t -> t.at("/function/name").asText())
                    .containsExactlyInAnyOrder(tuple("function", "Read"), tuple("function", "DeferredToolPlaceholder"));
            JsonNode read = body.get("tools").findParents("name").stream().filter(f -> f.get("name").asText().equals("Read"))
                    .findFirst().orElseThrow();
            assertThat(read.get("description").asText()).startsWith("Reads a file");
            assertThat(read.at("/parameters/type").asText()).isEqualTo("object");
            assertThat(read.at("/parameters/required").toString()).contains("\"file_path\"");
            assertThat(read.at("/parameters/properties/file_path/type").asText()).isEqualTo("string");
        }
        JsonNode messages = calls.get(1).json().get("messages");
        JsonNode call = messages.findParents("tool_calls").stream().filter(m -> m.path("role").asText().equals("assistant"))
                .findFirst().orElseThrow(() -> new AssertionError("no assistant tool_calls in " + messages)).get("tool_calls").get(0);
        assertThat(call.get("id").asText()).isEqualTo(callId);
        assertThat(call.at("/function/name").asText()).isEqualTo("Read");
        assertThat(Json.MAPPER.readTree(call.at("/function/arguments").asText())).isEqualTo(Json.object().put("file_path", notes()));
        JsonNode tool = messages.get(messages.size() - 1);
        assertThat(tool.get("role").asText()).isEqualTo("tool");
        assertThat(tool.get("tool_call_id").asText()).isEqualTo(callId);
        assertThat(tool.get("content").toString()).contains("The secret word is " + secret);

        // 9,000 × $0.15 + 40 × $0.60, then (9,100 - 8,960) × $0.15 + 8,960 cached × $0.075 + 20 × $0.60 (per 1M)
        assertBilled("openai/gpt-4o-mini",
                tuple(new TokenUsage(9000, 40, 0, 0), Money.ofDollars("0.001374")),
                tuple(new TokenUsage(140, 20, 0, 8960), Money.ofDollars("0.000705")));
    }

    private void assertBilled(String model, org.assertj.core.groups.Tuple... rows) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        List<RequestLogEntry> log = router.app().store().requestLog(customer.id(), 100);
        assertThat(log).extracting(e -> e.meta().endpoint(), RequestLogEntry::status, RequestLogEntry::streamed,
                        e -> e.resolvedModel().orElse(""))
                .containsOnly(tuple("messages", 200, true, model));
        assertThat(log).extracting(RequestLogEntry::usage, RequestLogEntry::cost).containsExactlyInAnyOrder(rows);
        Money logged = log.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
        assertThat(router.app().store().consumer(customer.id()).orElseThrow().used()).isEqualTo(logged);
    }
}
