package io.hpp.router.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Providers named only in the YAML, one per shape the README documents (DeepSeek, Groq, OpenRouter, vLLM without a key,
 * Gemini's OpenAI-compatible endpoint, Azure OpenAI, an Anthropic-compatible endpoint): each fake records the URL, the
 * auth header, the extra headers and the model it received, and the client gets the answer under the catalog's id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvidersByConfigTest {
    private static final String DEEPSEEK_KEY = "sk-deepseek-secret-1";
    private static final String GROQ_KEY = "gsk-groq-secret-2";
    private static final String OPENROUTER_KEY = "sk-or-secret-3";
    private static final String GEMINI_KEY = "gemini-secret-4";
    private static final String AZURE_KEY = "azure-secret-5";
    private static final String KIMI_KEY = "sk-kimi-secret-6";
    private static final String TITLE_VALUE = "title-value-secret-7";

    private final Map<String, FakeProvider> fakes = new java.util.LinkedHashMap<>();
    /** Each request's target as received, query included (the fake's record keeps the path only). */
    private final List<URI> targets = new CopyOnWriteArrayList<>();
    private TestRouter router;
    private TestRouter.Customer customer;

    @BeforeAll
    void start() throws IOException {
        for (String name : List.of("deepseek", "groq", "openrouter", "vllm", "gemini", "azure", "kimi-anthropic")) {
            fakes.put(name, new FakeProvider());
        }
        fakes.forEach((name, fake) -> fake.always(recording(name.equals("kimi-anthropic")
                ? FakeProvider.json(200, anthropicAnswer()) : FakeProvider.json(200, openAiAnswer(name)))));
        Path yaml = Files.createTempFile("providers", ".yaml");
        Files.writeString(yaml, """
                providers:
                  deepseek:
                    type: openai
                    base_url: %s/v1
                    api_key: ${DEEPSEEK_API_KEY}
                  groq:
                    type: openai
                    base_url: %s/openai/v1
                    api_key: ${GROQ_API_KEY}
                  openrouter:
                    type: openai
                    base_url: %s/api/v1
                    api_key: ${OPENROUTER_API_KEY}
                    headers:
                      HTTP-Referer: https://example.com/app
                      X-Title: ${TITLE}
                  vllm:
                    type: openai
                    base_url: %s/v1
                  gemini:
                    type: openai
                    base_url: %s/v1beta/openai/
                    api_key: ${GEMINI_API_KEY}
                  azure:
                    type: azure-openai
                    base_url: %s
                    api_key: ${AZURE_OPENAI_API_KEY}
                    api_version: 2024-10-21
                  kimi-anthropic:
                    type: anthropic
                    base_url: %s/anthropic
                    api_key: ${KIMI_API_KEY}
                    first_byte_timeout_ms: 5000
                """.formatted(fakes.values().stream().map(FakeProvider::baseUrl).toArray()));
        router = TestRouter.start(yaml, Map.of("DEEPSEEK_API_KEY", DEEPSEEK_KEY, "GROQ_API_KEY", GROQ_KEY,
                "OPENROUTER_API_KEY", OPENROUTER_KEY, "GEMINI_API_KEY", GEMINI_KEY, "AZURE_OPENAI_API_KEY", AZURE_KEY,
                "KIMI_API_KEY", KIMI_KEY, "TITLE", TITLE_VALUE));
        model("deepseek/deepseek-chat", "deepseek", "deepseek-chat");
        model("groq/llama-3.3-70b", "groq", "llama-3.3-70b-versatile");
        model("openrouter/claude", "openrouter", "anthropic/claude-sonnet-4");
        model("vllm/qwen", "vllm", "Qwen/Qwen2.5-7B-Instruct");
        model("gemini/flash", "gemini", "gemini-2.5-flash");
        model("azure/gpt-4o", "azure", "my-gpt4o-deployment");
        model("kimi/k2", "kimi-anthropic", "kimi-k2-0905-preview");
        customer = router.customer("10");
    }

    @AfterAll
    void stop() {
        if (router != null) {
            router.close();
        }
        fakes.values().forEach(FakeProvider::close);
    }

    private FakeProvider.Script recording(FakeProvider.Script then) {
        return (req, ex) -> {
            targets.add(ex.getRequestURI());
            then.answer(req, ex);
        };
    }

    private void model(String id, String provider, String upstream) {
        TestRouter.Reply r = router.admin("POST", "/admin/v1/models", """
                {"id":"%s","provider":"%s","upstream_model":"%s","pricing":{"input":1,"output":2}}""".formatted(id, provider, upstream));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static String openAiAnswer(String who) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"upstream-name",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"hello from %s"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}""".formatted(who);
    }

    private static String anthropicAnswer() {
        return """
                {"id":"msg_1","type":"message","role":"assistant","model":"kimi-k2-0905-preview",
                 "content":[{"type":"text","text":"hello from kimi"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":7,"output_tokens":3}}""";
    }

    /** Sends a chat request for {@code model}; returns what the named fake received, after checking the answer. */
    private FakeProvider.Received chat(String model, String provider) {
        int before = fakes.get(provider).received().size();
        TestRouter.Reply r = router.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("Authorization", "Bearer " + customer.key()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode answer = r.json();
        assertThat(OpenApi.errors("ChatCompletionResponse", answer)).isEmpty();
        assertThat(answer.get("model").asText()).isEqualTo(model);
        assertThat(answer.at("/choices/0/message/content").asText()).startsWith("hello from ");
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains(model);
        assertThat(fakes.get(provider).received()).hasSize(before + 1);
        return fakes.get(provider).last();
    }

    private URI lastTarget() {
        return targets.getLast();
    }

    @Test
    void deepSeekGetsTheChatPathUnderItsBaseUrlWithItsBearerKeyAndItsModelName() {
        FakeProvider.Received up = chat("deepseek/deepseek-chat", "deepseek");
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        assertThat(lastTarget().getRawQuery()).isNull();
        assertThat(up.header("Authorization")).isEqualTo("Bearer " + DEEPSEEK_KEY);
        assertThat(up.json().get("model").asText()).isEqualTo("deepseek-chat");
        assertThat(up.json().at("/messages/0/content").asText()).isEqualTo("hi");
    }

    @Test
    void groqGetsItsOpenAiPath() {
        FakeProvider.Received up = chat("groq/llama-3.3-70b", "groq");
        assertThat(up.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(up.header("Authorization")).isEqualTo("Bearer " + GROQ_KEY);
        assertThat(up.json().get("model").asText()).isEqualTo("llama-3.3-70b-versatile");
    }

    @Test
    void openRouterGetsTheExtraHeadersOfItsConfigurationBesideTheKey() {
        FakeProvider.Received up = chat("openrouter/claude", "openrouter");
        assertThat(up.path()).isEqualTo("/api/v1/chat/completions");
        assertThat(up.header("Authorization")).isEqualTo("Bearer " + OPENROUTER_KEY);
        assertThat(up.header("HTTP-Referer")).isEqualTo("https://example.com/app");
        assertThat(up.header("X-Title")).as("a header value taken from the environment").isEqualTo(TITLE_VALUE);
        assertThat(up.json().get("model").asText()).isEqualTo("anthropic/claude-sonnet-4");
    }

    @Test
    void vllmWithoutAKeyGetsNoAuthorizationHeader() {
        FakeProvider.Received up = chat("vllm/qwen", "vllm");
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        assertThat(up.header("Authorization")).isNull();
        assertThat(up.json().get("model").asText()).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
    }

    @Test
    void geminiGetsItsOpenAiCompatiblePathEvenWithATrailingSlashInTheBaseUrl() {
        FakeProvider.Received up = chat("gemini/flash", "gemini");
        assertThat(up.path()).isEqualTo("/v1beta/openai/chat/completions");
        assertThat(up.header("Authorization")).isEqualTo("Bearer " + GEMINI_KEY);
        assertThat(up.json().get("model").asText()).isEqualTo("gemini-2.5-flash");
    }

    @Test
    void azureGetsTheDeploymentPathTheApiVersionAndTheApiKeyHeaderInsteadOfABearer() {
        FakeProvider.Received up = chat("azure/gpt-4o", "azure");
        assertThat(up.path()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions");
        assertThat(lastTarget().getRawQuery()).isEqualTo("api-version=2024-10-21");
        assertThat(up.header("api-key")).isEqualTo(AZURE_KEY);
        assertThat(up.header("Authorization")).isNull();
        assertThat(up.json().get("model").asText()).isEqualTo("my-gpt4o-deployment");
    }

    @Test
    void azureStreamsOnTheSamePath() {
        FakeProvider azure = fakes.get("azure");
        azure.enqueue(recording(azure.sse(0, List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hey\"}}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}",
                "[DONE]"))));
        TestRouter.Reply r = router.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"azure/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("Authorization", "Bearer " + customer.key()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"hey\"", "\"model\":\"azure/gpt-4o\"", "[DONE]");
        assertThat(azure.last().path()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions");
        assertThat(lastTarget().getRawQuery()).isEqualTo("api-version=2024-10-21");
        assertThat(azure.last().json().get("stream").asBoolean()).isTrue();
        assertThat(azure.last().header("api-key")).isEqualTo(AZURE_KEY);
    }

    @Test
    void anAnthropicTypeProviderGetsMessagesUnderItsBaseUrlWithXApiKey() {
        FakeProvider.Received up = chat("kimi/k2", "kimi-anthropic");
        assertThat(up.path()).isEqualTo("/anthropic/v1/messages");
        assertThat(up.header("x-api-key")).isEqualTo(KIMI_KEY);
        assertThat(up.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(up.header("Authorization")).isNull();
        assertThat(up.json().get("model").asText()).isEqualTo("kimi-k2-0905-preview");
        assertThat(up.json().at("/messages/0/content").toString()).contains("hi");
    }

    @Test
    void messagesClientsAreRelayedToAnAnthropicTypeProviderAsTheyAre() {
        FakeProvider kimi = fakes.get("kimi-anthropic");
        TestRouter.Reply r = router.send("POST", "/v1/messages",
                "{\"model\":\"kimi/k2\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("x-api-key", customer.key(), "anthropic-version", "2023-06-01"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("model").asText()).isEqualTo("kimi/k2");
        assertThat(r.json().at("/content/0/text").asText()).isEqualTo("hello from kimi");
        assertThat(kimi.last().path()).isEqualTo("/anthropic/v1/messages");
        assertThat(kimi.last().header("x-api-key")).isEqualTo(KIMI_KEY);
        assertThat(kimi.last().json().get("model").asText()).isEqualTo("kimi-k2-0905-preview");
        assertThat(kimi.last().json().get("max_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void aFailureOfANamedProviderIsReportedUnderItsNameWithoutItsKey() {
        fakes.get("kimi-anthropic").enqueue(recording(FakeProvider.json(401,
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}")));
        TestRouter.Reply r = router.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"kimi/k2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("Authorization", "Bearer " + customer.key()));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().at("/error/provider").asText()).isEqualTo("kimi-anthropic");
        assertThat(r.json().at("/error/code").asText()).isEqualTo("provider_auth_failed");
        assertThat(r.body()).doesNotContain(KIMI_KEY);
        assertThat(fakes.get("kimi-anthropic").last().header("x-api-key")).isEqualTo(KIMI_KEY);
    }

    @Test
    void theAdminApiListsEveryProviderWithItsStateAndModelsButNoSecret() {
        TestRouter.Reply r = router.admin("GET", "/admin/v1/providers", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(OpenApi.errors("AdminProviderList", r.json())).isEmpty();
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        r.json().get("data").forEach(p -> byName.put(p.get("name").asText(), p));
        assertThat(byName).containsKeys("deepseek", "groq", "openrouter", "vllm", "gemini", "azure", "kimi-anthropic",
                "openai", "anthropic", "moonshotai", "ollama");
        JsonNode openRouter = byName.get("openrouter");
        assertThat(openRouter.get("type").asText()).isEqualTo("openai");
        assertThat(openRouter.get("base_url").asText()).isEqualTo(fakes.get("openrouter").baseUrl() + "/api/v1");
        assertThat(openRouter.get("configured").asBoolean()).isTrue();
        assertThat(openRouter.get("state").asText()).isEqualTo("ok");
        assertThat(openRouter.get("api_key").asBoolean()).isTrue();
        assertThat(openRouter.get("headers").toString()).isEqualTo("[\"HTTP-Referer\",\"X-Title\"]");
        assertThat(openRouter.get("models").asInt()).isEqualTo(1);
        assertThat(byName.get("azure").get("type").asText()).isEqualTo("azure-openai");
        assertThat(byName.get("azure").get("api_version").asText()).isEqualTo("2024-10-21");
        assertThat(byName.get("vllm").get("api_key").asBoolean()).isFalse();
        JsonNode openai = byName.get("openai");
        assertThat(openai.get("configured").asBoolean()).as("a preset without its key is listed, not dropped").isFalse();
        assertThat(openai.get("state").asText()).isEqualTo("no api key");
        assertThat(openai.get("models").asInt()).as("the seeded catalog").isGreaterThan(0);
        assertThat(r.body()).doesNotContain(DEEPSEEK_KEY, GROQ_KEY, OPENROUTER_KEY, GEMINI_KEY, AZURE_KEY, KIMI_KEY, TITLE_VALUE);
        assertThat(router.get("/admin/v1/providers", Map.of()).status()).as("admin token required").isEqualTo(401);
    }

    @Test
    void readinessReportsEachProviderAndAPresetWithoutItsKey() {
        TestRouter.Reply r = router.get("/readyz", Map.of());
        assertThat(r.status()).isEqualTo(200);
        JsonNode states = r.json().at("/checks/provider_states");
        assertThat(states.get("deepseek").asText()).isEqualTo("ok");
        assertThat(states.get("azure").asText()).isEqualTo("ok");
        assertThat(states.get("openai").asText()).isEqualTo("no api key");
        assertThat(states.get("anthropic").asText()).isEqualTo("no api key");
        assertThat(r.json().at("/checks/providers").isArray()).as("the list of serving providers keeps its shape").isTrue();
        assertThat(r.json().at("/checks/providers").toString()).contains("\"deepseek\"").doesNotContain("\"openai\"");
        assertThat(r.body()).doesNotContain(DEEPSEEK_KEY, AZURE_KEY, TITLE_VALUE);
    }

    @Test
    void aModelOfAPresetWithoutItsKeyIsRefusedAsNotConfigured() {
        TestRouter.Reply r = router.send("POST", "/llm/v1/chat/completions",
                "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("Authorization", "Bearer " + customer.key()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("not configured");
    }
}
