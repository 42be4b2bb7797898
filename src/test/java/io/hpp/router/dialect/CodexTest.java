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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27 end to end: the real Codex CLI (0.171.0, tools/agents) with the router in this JVM as its custom provider
 * ({@code wire_api = "responses"}), asked to read a file and say the secret word in it. It makes two streamed
 * {@code POST /llm/v1/responses} calls (the model asks for {@code exec_command}, then answers from the command output);
 * the router relays them to a fake OpenAI's own {@code /v1/responses}, or translates them for a fake Anthropic. What
 * Codex sends is described in docs/research/codex-offline.md.
 */
class CodexTest {
    private static final String UPSTREAM_ANTHROPIC_KEY = "sk-ant-upstream-key";
    private static final String UPSTREAM_OPENAI_KEY = "sk-openai-upstream-key";
    private static final String PROMPT = "Run cat notes.txt and tell me the secret word in it";
    /** The start of Codex's system prompt, the first developer message of every request. */
    private static final String CODEX_PROMPT = "You are a coding agent running in the Codex CLI";
    /** The function tools Codex 0.171.0 sends for a model it has no metadata for, besides its namespace and web_search. */
    private static final List<String> FUNCTIONS = List.of("exec_command", "write_stdin", "request_user_input", "view_image", "get_goal",
            "create_goal", "update_goal");
    private static final List<String> SUB_AGENT_FUNCTIONS = List.of("close_agent", "resume_agent", "send_input", "spawn_agent", "wait_agent");

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
        CodexCli.requireInstalled();
    }

    @BeforeEach
    void start() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        secret = "TAMARIND" + UUID.randomUUID().toString().substring(0, 8).toUpperCase().replace('-', 'X');
        Files.writeString(work.resolve("notes.txt"), "Shopping list: flour, eggs.\nThe secret word is " + secret + ".\n");
        fake = new FakeProvider();
        router = TestRouter.start(Map.of("ANTHROPIC_BASE_URL", fake.baseUrl(), "ANTHROPIC_API_KEY", UPSTREAM_ANTHROPIC_KEY,
                "OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", UPSTREAM_OPENAI_KEY, "HPP_ROUTER_RETRIES", "0"));
        // Codex sends no output cap: the hold is the model's whole max output (64,000 × $15/M for Sonnet, ~$0.96 a call)
        customer = router.customer("10");
    }

    @AfterEach
    void stop() {
        router.close();
        fake.close();
    }

    private CodexCli.Run codex(String model) throws IOException, InterruptedException {
        Files.writeString(home.resolve("config.toml"), CodexCli.config(model, router.baseUrl() + "/llm/v1"));
        return CodexCli.run(home, work, PROMPT, customer.key());
    }

    @Test
    void openAiModelIsRelayedToTheResponsesApiAsCodexSentIt() throws Exception {
        CodexFakes.OpenAiTurn1 turn1 = new CodexFakes.OpenAiTurn1("call_Fake" + secret, "gAAAAB_opaque_" + secret);
        fake.always(CodexFakes.openAi(turn1));

        CodexCli.Run run = codex("openai/gpt-5");

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout()).as("%s", run).contains("The secret word is " + secret);
        assertThat(run.stderr()).as("the command ran: %s", run).contains("cat notes.txt");
        // Codex prints input - cached + output summed over the turns it read usage from: (1,200 + 80) + (1,300 - 1,024 + 20)
        assertThat(run.stderr()).as("usage relayed: %s", run).contains("tokens used\n1,576");

        List<FakeProvider.Received> calls = fake.received();
        assertThat(calls).as("%s", run).extracting(FakeProvider.Received::method, FakeProvider.Received::path)
                .containsExactly(tuple("POST", "/v1/responses"), tuple("POST", "/v1/responses"));
        for (FakeProvider.Received call : calls) {
            assertThat(call.header("Authorization")).isEqualTo("Bearer " + UPSTREAM_OPENAI_KEY);
            assertFieldsTheRouterDoesNotReadArrivedAsSent(call.json());
        }
        assertThat(calls.get(1).json().get("prompt_cache_key")).isEqualTo(calls.get(0).json().get("prompt_cache_key"));
        JsonNode input = calls.get(1).json().get("input");
        JsonNode reasoning = last(input, "reasoning");
        assertThat(reasoning.get("encrypted_content").asText()).as("the opaque reasoning goes back as given").isEqualTo(turn1.encryptedReasoning());
        JsonNode call = last(input, "function_call");
        assertThat(call.get("call_id").asText()).isEqualTo(turn1.callId());
        assertThat(call.get("name").asText()).isEqualTo("exec_command");
        assertThat(call.get("arguments").asText()).isEqualTo(CodexFakes.ARGUMENTS);
        JsonNode output = last(input, "function_call_output");
        assertThat(output.get("call_id").asText()).isEqualTo(turn1.callId());
        assertThat(output.get("output").asText()).contains("The secret word is " + secret);

        // 1,200 × $1.25 + 80 × $10, then (1,300 - 1,024) × $1.25 + 1,024 cached × $0.125 + 20 × $10 (per 1M)
        assertBilled("openai/gpt-5",
                tuple(new TokenUsage(1200, 80, 0, 0), Money.ofDollars("0.0023")),
                tuple(new TokenUsage(276, 20, 0, 1024), Money.ofDollars("0.000673")));
    }

    /** What the router relays without reading: the upstream model id in, everything else as Codex 0.171.0 sends it. */
    private static void assertFieldsTheRouterDoesNotReadArrivedAsSent(JsonNode body) {
        assertThat(body.get("model").asText()).isEqualTo("gpt-5");
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("store")).isEqualTo(Json.MAPPER.getNodeFactory().booleanNode(false));
        assertThat(body.get("include")).isEqualTo(Json.MAPPER.createArrayNode().add("reasoning.encrypted_content"));
        assertThat(body.get("reasoning")).isEqualTo(Json.object().put("summary", "auto"));
        assertThat(body.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(body.get("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(body.get("prompt_cache_key").asText()).isNotBlank();
        assertThat(body.at("/client_metadata/thread_id").asText()).isNotBlank();
        assertThat(body.has("instructions")).isFalse();
        JsonNode first = body.get("input").get(0);
        assertThat(first.get("role").asText()).isEqualTo("developer");
        assertThat(first.get("id").asText()).startsWith("msg_");
        assertThat(first.at("/content/0/text").asText()).startsWith(CODEX_PROMPT);
        JsonNode tools = body.get("tools");
        List<String> functions = new ArrayList<>();
        tools.forEach(t -> functions.add(t.path("type").asText() + " " + t.path("name").asText()));
        List<String> expected = new ArrayList<>(FUNCTIONS.stream().map(f -> "function " + f).toList());
        expected.addAll(List.of("namespace multi_agent_v1", "web_search "));
        assertThat(functions).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(tools).filteredOn(t -> t.path("type").asText().equals("web_search"))
                .containsExactly(Json.object().put("type", "web_search").put("external_web_access", false));
        JsonNode namespace = tools.findParents("tools").getFirst();
        assertThat(namespace.get("tools")).extracting(t -> t.get("name").asText()).containsExactlyInAnyOrderElementsOf(SUB_AGENT_FUNCTIONS);
        JsonNode exec = function(tools, "exec_command");
        assertThat(exec.get("strict").asBoolean(true)).isFalse();
        assertThat(exec.at("/parameters/required")).isEqualTo(Json.MAPPER.createArrayNode().add("cmd"));
        assertThat(exec.at("/parameters/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void anthropicModelGetsCodexTranslated() throws Exception {
        String toolUseId = "toolu_01FakeExec" + secret;
        fake.always(CodexFakes.anthropic(toolUseId));

        CodexCli.Run run = codex("anthropic/claude-sonnet-4");

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout()).as("%s", run).contains("The secret word is " + secret);
        assertThat(run.stderr()).as("the command ran: %s", run).contains("cat notes.txt");
        // the translated response.completed usage counts cache reads as cached input tokens, as OpenAI does:
        // (2,000 + 50) + (100 + 2,000 - 2,000 cached + 15)
        assertThat(run.stderr()).as("usage translated: %s", run).contains("tokens used\n2,165");

        List<FakeProvider.Received> calls = fake.received();
        assertThat(calls).as("%s", run).extracting(FakeProvider.Received::method, FakeProvider.Received::path)
                .containsExactly(tuple("POST", "/v1/messages"), tuple("POST", "/v1/messages"));
        for (FakeProvider.Received call : calls) {
            assertThat(call.header("x-api-key")).isEqualTo(UPSTREAM_ANTHROPIC_KEY);
            assertThat(call.header("anthropic-version")).isEqualTo("2023-06-01");
            JsonNode body = call.json();
            assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-20250514");
            assertThat(body.get("stream").asBoolean()).isTrue();
            assertThat(body.get("max_tokens").asLong()).isPositive();
            assertThat(body.get("system").toString()).as("developer messages become system").contains(CODEX_PROMPT);
            assertThat(body.get("messages").toString()).as("no developer role reaches Anthropic").doesNotContain("\"role\":\"developer\"");
            assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
            assertToolsTranslated(body.get("tools"));
        }
        JsonNode messages = calls.get(1).json().get("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        assertThat(assistant.get("role").asText()).isEqualTo("assistant");
        JsonNode use = assistant.findParents("type").stream().filter(b -> b.path("type").asText().equals("tool_use")).findFirst()
                .orElseThrow(() -> new AssertionError("no tool_use in " + assistant));
        assertThat(use.get("id").asText()).isEqualTo(toolUseId);
        assertThat(use.get("name").asText()).isEqualTo("exec_command");
        assertThat(use.get("input")).isEqualTo(Json.object().put("cmd", "cat notes.txt"));
        JsonNode user = messages.get(messages.size() - 1);
        assertThat(user.get("role").asText()).isEqualTo("user");
        JsonNode result = user.get("content").get(0);
        assertThat(result.get("type").asText()).isEqualTo("tool_result");
        assertThat(result.get("tool_use_id").asText()).isEqualTo(toolUseId);
        assertThat(result.get("content").toString()).contains("The secret word is " + secret);

        // 2,000 × $3 + 50 × $15, then 100 × $3 + 2,000 cache-read × $0.30 + 15 × $15 (per 1M)
        assertBilled("anthropic/claude-sonnet-4",
                tuple(new TokenUsage(2000, 50, 0, 0), Money.ofDollars("0.00675")),
                tuple(new TokenUsage(100, 15, 0, 2000), Money.ofDollars("0.001125")));
    }

    /**
     * Codex's tools as Anthropic takes them: each function with its JSON schema as input_schema, the namespace's
     * functions flattened beside them, web_search (a hosted OpenAI tool Anthropic cannot run) dropped.
     */
    private static void assertToolsTranslated(JsonNode tools) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).as("%s", names).containsAll(FUNCTIONS).hasSize(FUNCTIONS.size() + SUB_AGENT_FUNCTIONS.size())
                .allMatch(n -> n.matches("[a-zA-Z0-9_-]{1,128}"), "a name Anthropic accepts")
                .noneMatch(n -> n.contains("web_search"));
        for (String sub : SUB_AGENT_FUNCTIONS) {
            assertThat(names).as("%s flattened", sub).anyMatch(n -> n.endsWith(sub));
        }
        for (JsonNode t : tools) {
            assertThat(t.has("type") ? t.get("type").asText() : "custom").as("%s", t).isEqualTo("custom");
            assertThat(t.at("/input_schema/type").asText()).as("%s", t).isEqualTo("object");
        }
        JsonNode exec = function(tools, "exec_command");
        assertThat(exec.get("description").asText()).startsWith("Runs a command in a PTY");
        assertThat(exec.at("/input_schema/required")).isEqualTo(Json.MAPPER.createArrayNode().add("cmd"));
        assertThat(exec.at("/input_schema/properties/cmd/type").asText()).isEqualTo("string");
    }

    private static JsonNode function(JsonNode tools, String name) {
        for (JsonNode t : tools) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no tool " + name + " in " + tools);
    }

    private static JsonNode last(JsonNode input, String type) {
        JsonNode found = null;
        for (JsonNode item : input) {
            if (item.path("type").asText().equals(type)) {
                found = item;
            }
        }
        if (found == null) {
            throw new AssertionError("no " + type + " item in " + input);
        }
        return found;
    }

    private void assertBilled(String model, Tuple... rows) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        List<RequestLogEntry> log = router.app().store().requestLog(customer.id(), 100);
        assertThat(log).extracting(e -> e.meta().endpoint(), RequestLogEntry::status, RequestLogEntry::streamed,
                        e -> e.resolvedModel().orElse(""))
                .containsOnly(tuple("responses", 200, true, model));
        assertThat(log).extracting(RequestLogEntry::usage, RequestLogEntry::cost).containsExactlyInAnyOrder(rows);
        Money logged = log.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
        assertThat(logged.isPositive()).isTrue();
        assertThat(router.app().store().consumer(customer.id()).orElseThrow().used()).isEqualTo(logged);
    }
}
