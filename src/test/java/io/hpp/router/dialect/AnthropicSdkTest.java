package io.hpp.router.dialect;

import static io.hpp.router.dialect.SdkUpstreams.ANTHROPIC;
import static io.hpp.router.dialect.SdkUpstreams.OPENAI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.PaymentRequiredException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official Anthropic Java SDK pointed at the router's root, against an Anthropic upstream (the body relayed as
 * sent) and an OpenAI-compatible one (translated): what the SDK parses, what each upstream received, what was billed.
 */
class AnthropicSdkTest {
    private FakeProvider anthropic;
    private FakeProvider openai;
    private TestRouter router;
    private final List<AnthropicClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        anthropic = new FakeProvider();
        openai = new FakeProvider();
        router = TestRouter.start(Map.of(
                "ANTHROPIC_BASE_URL", anthropic.baseUrl(), "ANTHROPIC_API_KEY", SdkUpstreams.ANTHROPIC_KEY,
                "OPENAI_BASE_URL", openai.baseUrl() + "/v1", "OPENAI_API_KEY", SdkUpstreams.OPENAI_KEY,
                "MOONSHOT_BASE_URL", openai.baseUrl() + "/moonshot/v1", "MOONSHOT_API_KEY", "sk-moonshot-upstream-key",
                "HPP_ROUTER_RETRIES", "0"));
    }

    @AfterEach
    void stop() {
        clients.forEach(AnthropicClient::close);
        router.close();
        anthropic.close();
        openai.close();
    }

    @ParameterizedTest
    @EnumSource(SdkUpstreams.class)
    void createReturnsAMessageTheSdkParsesAndBillsTheUpstreamsUsage(SdkUpstreams up) {
        TestRouter.Customer c = router.customer("1");
        fake(up).enqueue(up.text("Hi! My name is " + up.name() + "."));

        Message m = client(c.key()).messages().create(MessageCreateParams.builder().model(up.model).maxTokens(300).system("Be brief.")
                .addUserMessage("Hello").build());

        assertThat(m.model().asString()).isEqualTo(up.model);
        assertThat(m.content()).hasSize(1);
        assertThat(m.content().getFirst().text().orElseThrow().text()).isEqualTo("Hi! My name is " + up.name() + ".");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(10);
        assertThat(m.usage().outputTokens()).isEqualTo(12);

        FakeProvider.Received sent = onlyRequestTo(up);
        JsonNode body = sent.json();
        assertThat(body.get("model").asText()).isEqualTo(up.upstreamModel);
        assertThat(body.has("stream") && body.get("stream").asBoolean()).isFalse();
        if (up == ANTHROPIC) {
            assertThat(sent.path()).isEqualTo("/v1/messages");
            assertThat(sent.header("x-api-key")).isEqualTo(SdkUpstreams.ANTHROPIC_KEY);
            assertThat(sent.header("anthropic-version")).as("the SDK's version, passed on").isNotBlank();
            assertThat(sent.header("Authorization")).isNull();
            assertThat(body.get("max_tokens").asLong()).isEqualTo(300);
            assertThat(body.get("system").asText()).isEqualTo("Be brief.");
            assertThat(body.get("messages")).isEqualTo(json("[{\"role\":\"user\",\"content\":\"Hello\"}]"));
        } else {
            assertThat(sent.path()).isEqualTo("/v1/chat/completions");
            assertThat(sent.header("Authorization")).isEqualTo("Bearer " + SdkUpstreams.OPENAI_KEY);
            assertThat(sent.header("x-api-key")).isNull();
            // OpenAI refuses max_tokens for its reasoning models: "Use 'max_completion_tokens' instead"
            assertThat(body.path("max_completion_tokens").asLong()).isEqualTo(300);
            assertThat(body.has("max_tokens")).isFalse();
            assertThat(body.get("messages")).isEqualTo(json(
                    "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello\"}]"));
        }
        assertThat(sent.headers().values().stream().flatMap(List::stream)).noneMatch(v -> v.contains(c.key()));

        // Anthropic: 10 × $3 + 12 × $15 per 1M tokens; gpt-5: 10 × $1.25 + 12 × $10 per 1M
        assertBilledOnce(c, "messages", new TokenUsage(10, 12, 0, 0), Money.ofDollars(up == ANTHROPIC ? "0.00021" : "0.0001325"));
    }

    @Test
    void theCapReachesAnotherOpenAiCompatibleProviderAsMaxTokens() {
        TestRouter.Customer c = router.customer("1");
        openai.enqueue(FakeProvider.json(200, OpenAiWire.completion("kimi-k2.6", "Hi", 10, 2, 0)));

        Message m = client(c.key()).messages().create(MessageCreateParams.builder().model("moonshotai/kimi-k2.6").maxTokens(300)
                .addUserMessage("Hello").build());

        assertThat(m.content().getFirst().text().orElseThrow().text()).isEqualTo("Hi");
        FakeProvider.Received sent = onlyRequestTo(OPENAI);
        assertThat(sent.path()).isEqualTo("/moonshot/v1/chat/completions");
        assertThat(sent.json().get("model").asText()).isEqualTo("kimi-k2.6");
        assertThat(sent.json().get("max_tokens").asLong()).isEqualTo(300);
        assertThat(sent.json().has("max_completion_tokens")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(SdkUpstreams.class)
    void streamAccumulatesIntoTheWholeMessageWithEachToolInputParsed(SdkUpstreams up) {
        TestRouter.Customer c = router.customer("1");
        fake(up).enqueue(up.textAndTwoToolsStreamed(fake(up)));

        MessageAccumulator acc = MessageAccumulator.create();
        List<RawMessageStreamEvent> events;
        try (StreamResponse<RawMessageStreamEvent> s = client(c.key()).messages().createStreaming(MessageCreateParams.builder()
                     .model(up.model).maxTokens(500).addUserMessage("Weather in Paris and Rome?").addTool(weatherTool()).build())) {
            events = s.stream().map(acc::accumulate).toList();
        }
        Message m = acc.message();

        assertThat(events).allMatch(RawMessageStreamEvent::isValid);
        assertThat(events.getFirst().isMessageStart()).isTrue();
        assertThat(events.getLast().isMessageStop()).isTrue();
        assertThat(m.model().asString()).isEqualTo(up.model);
        assertThat(m.content()).hasSize(3);
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo(up == ANTHROPIC ? "Checking both cities." : "Checking both.");
        List<ToolUseBlock> calls = m.content().stream().filter(ContentBlock::isToolUse).map(b -> b.toolUse().orElseThrow()).toList();
        assertThat(calls).extracting(ToolUseBlock::name).containsExactly("get_weather", "get_weather");
        assertThat(calls).extracting(ToolUseBlock::id).doesNotHaveDuplicates().allMatch(id -> !id.isBlank());
        assertThat(calls.get(0)._input().convert(new TypeReference<Map<String, Object>>() { })).isEqualTo(Map.of("location", "Paris"));
        assertThat(calls.get(1)._input().convert(new TypeReference<Map<String, Object>>() { })).isEqualTo(Map.of("location", "Rome"));
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.usage().inputTokens()).isEqualTo(up == ANTHROPIC ? 472 : 80);
        assertThat(m.usage().outputTokens()).isEqualTo(up == ANTHROPIC ? 89 : 40);

        JsonNode body = onlyRequestTo(up).json();
        assertThat(body.get("model").asText()).isEqualTo(up.upstreamModel);
        assertThat(body.get("stream").asBoolean()).isTrue();
        if (up == OPENAI) {
            assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
            assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        } else {
            assertThat(body.at("/tools/0/name").asText()).isEqualTo("get_weather");
        }
        // Anthropic: 472 × $3 + 89 × $15 per 1M; gpt-5: 80 × $1.25 + 40 × $10 per 1M
        assertBilledOnce(c, "messages", up == ANTHROPIC ? new TokenUsage(472, 89, 0, 0) : new TokenUsage(80, 40, 0, 0),
                Money.ofDollars(up == ANTHROPIC ? "0.002751" : "0.0005"));
    }

    @ParameterizedTest
    @EnumSource(SdkUpstreams.class)
    void toolUseAndToolResultMakeTheRoundTripInTheUpstreamsShape(SdkUpstreams up) {
        TestRouter.Customer c = router.customer("1");
        fake(up).enqueue(up.toolCall("toolu_01A09q90qw90lq917835lq9")).enqueue(up.text("18 degrees and sunny."));

        AnthropicClient client = client(c.key());
        MessageCreateParams first = MessageCreateParams.builder().model(up.model).maxTokens(400)
                .addUserMessage("Weather in Paris?").addTool(weatherTool()).build();
        Message answer = client.messages().create(first);
        ToolUseBlock call = answer.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().toolUse().orElseThrow();
        assertThat(call.id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call._input().convert(new TypeReference<Map<String, Object>>() { })).isEqualTo(Map.of("location", "Paris"));
        assertThat(answer.stopReason()).contains(StopReason.TOOL_USE);

        Message second = client.messages().create(first.toBuilder().addMessage(answer).addUserMessageOfContentBlockParams(List.of(
                ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(call.id()).content("18°C, sunny").build()))).build());
        assertThat(second.content().getFirst().text().orElseThrow().text()).isEqualTo("18 degrees and sunny.");

        List<FakeProvider.Received> got = fake(up).received();
        assertThat(got).hasSize(2);
        JsonNode body = got.get(1).json();
        if (up == ANTHROPIC) {
            assertThat(body.get("messages")).isEqualTo(json("""
                    [{"role":"user","content":"Weather in Paris?"},
                     {"role":"assistant","content":[{"type":"text","text":"Let me check."},
                       {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"Paris"}}]},
                     {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"18°C, sunny"}]}]"""));
            assertThat(body.at("/tools/0/input_schema/properties/location/type").asText()).isEqualTo("string");
        } else {
            JsonNode messages = body.get("messages");
            assertThat(messages).hasSize(3);
            assertThat(messages.get(0)).isEqualTo(json("{\"role\":\"user\",\"content\":\"Weather in Paris?\"}"));
            assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
            assertThat(messages.at("/1/tool_calls")).hasSize(1);
            JsonNode toolCall = messages.at("/1/tool_calls/0");
            assertThat(toolCall.get("id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
            assertThat(toolCall.get("type").asText()).isEqualTo("function");
            assertThat(toolCall.at("/function/name").asText()).isEqualTo("get_weather");
            assertThat(json(toolCall.at("/function/arguments").asText())).isEqualTo(json("{\"location\":\"Paris\"}"));
            assertThat(messages.get(2)).isEqualTo(json(
                    "{\"role\":\"tool\",\"tool_call_id\":\"toolu_01A09q90qw90lq917835lq9\",\"content\":\"18°C, sunny\"}"));
            assertThat(body.at("/tools/0/type").asText()).isEqualTo("function");
            assertThat(body.at("/tools/0/function/parameters/properties/location/type").asText()).isEqualTo("string");
        }
        assertLedgerBalanced(c);
    }

    @Test
    void countTokensOfAnAnthropicModelIsAnthropicsOwnCount() {
        TestRouter.Customer c = router.customer("1");
        anthropic.enqueue(FakeProvider.json(200, "{\"input_tokens\":2095}"));

        long counted = client(c.key()).messages().countTokens(MessageCountTokensParams.builder().model(ANTHROPIC.model).system("Be brief.")
                .addUserMessage("Hello, Claude").build()).inputTokens();

        assertThat(counted).isEqualTo(2095);
        FakeProvider.Received sent = onlyRequestTo(ANTHROPIC);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(sent.header("x-api-key")).isEqualTo(SdkUpstreams.ANTHROPIC_KEY);
        assertThat(sent.json().get("model").asText()).isEqualTo(ANTHROPIC.upstreamModel);
        assertThat(sent.json().get("messages")).isEqualTo(json("[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]"));
        assertThat(sent.json().get("system").asText()).isEqualTo("Be brief.");
        assertThat(settledConsumer(c).used()).isEqualTo(Money.ZERO);
    }

    @Test
    void countTokensOfAnOpenAiModelIsOurTokenizersAndGrowsWithThePrompt() {
        TestRouter.Customer c = router.customer("1");
        AnthropicClient client = client(c.key());
        long shorter = client.messages().countTokens(MessageCountTokensParams.builder().model(OPENAI.model)
                    .addUserMessage("Hello").build()).inputTokens();
        long longer = client.messages().countTokens(MessageCountTokensParams.builder().model(OPENAI.model).system("Be brief.")
                    .addUserMessage("Hello, and tell me about the weather in Paris, Rome and Oslo this week.").build()).inputTokens();

        assertThat(shorter).isPositive();
        assertThat(longer).isGreaterThan(shorter + 10);
        assertThat(openai.received()).isEmpty();
        assertThat(anthropic.received()).isEmpty();
        assertThat(settledConsumer(c).used()).isEqualTo(Money.ZERO);
    }

    @ParameterizedTest
    @EnumSource(SdkUpstreams.class)
    void refusalsAreTheSdksOwnExceptionsAndReachNoUpstream(SdkUpstreams up) {
        TestRouter.Customer c = router.customer("1");
        TestRouter.Customer broke = router.customer("0");
        MessageCreateParams hello = MessageCreateParams.builder().model(up.model).maxTokens(100).addUserMessage("Hello").build();
        AnthropicClient client = client(c.key());
        AnthropicClient brokeClient = client(broke.key());
        AnthropicClient stranger = client("sk-hpp-not-a-key-of-this-router");
        String unknown = up.model + "-nonexistent";
        assertThatThrownBy(() -> client.messages().create(hello.toBuilder().model(unknown).build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertError(e, "not_found_error");
                    assertThat(e.apiMessage().orElseThrow()).contains(unknown);
                });
        assertThatThrownBy(() -> brokeClient.messages().create(hello))
                .isInstanceOfSatisfying(PaymentRequiredException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(402);
                    assertError(e, "billing_error");
                });
        assertThatThrownBy(() -> stranger.messages().create(hello))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertError(e, "authentication_error");
                });
        assertThat(anthropic.received()).isEmpty();
        assertThat(openai.received()).isEmpty();
        assertThat(settledConsumer(broke).used()).isEqualTo(Money.ZERO);
    }

    /** The error envelope as the SDK read it: Anthropic's {type:error, error:{type, message}}, the message for people. */
    private static void assertError(AnthropicServiceException e, String type) {
        Map<String, Object> body = e.body().convert(new TypeReference<Map<String, Object>>() { });
        assertThat(body).containsEntry("type", "error");
        assertThat(e.errorType().map(ErrorType::asString)).as(body.toString()).contains(type);
        assertThat(e.apiMessage()).as(body.toString()).hasValueSatisfying(m -> assertThat(m).isNotBlank().doesNotContain("Exception"));
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("The current weather in a city")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("location", JsonValue.from(Map.of("type", "string", "description", "City name"))).build())
                        .required(List.of("location")).build()).build();
    }

    /** The SDK as a user builds it, on the router's root with a router key; closed after the test. */
    private AnthropicClient client(String key) {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(router.baseUrl()).apiKey(key).maxRetries(0).build();
        clients.add(client);
        return client;
    }

    private FakeProvider fake(SdkUpstreams up) {
        return up == ANTHROPIC ? anthropic : openai;
    }

    /** The one request the router made, to {@code up}'s fake and no other. */
    private FakeProvider.Received onlyRequestTo(SdkUpstreams up) {
        assertThat(fake(up).received()).hasSize(1);
        assertThat(fake(up == ANTHROPIC ? OPENAI : ANTHROPIC).received()).isEmpty();
        return fake(up).last();
    }

    /** One log row of {@code endpoint} with the upstream's usage and the exact cost, and the balance down by that cost. */
    private void assertBilledOnce(TestRouter.Customer c, String endpoint, TokenUsage usage, Money cost) {
        List<RequestLogEntry> rows = log(c);
        assertThat(rows).hasSize(1);
        RequestLogEntry row = rows.getFirst();
        assertThat(row.meta().endpoint()).isEqualTo(endpoint);
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usage()).isEqualTo(usage);
        assertThat(row.cost()).isEqualTo(cost);
        ConsumerRecord after = settledConsumer(c);
        assertThat(after.remaining()).isEqualTo(Money.ofDollars("1").minus(cost));
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
    }

    private void assertLedgerBalanced(TestRouter.Customer c) {
        List<RequestLogEntry> rows = log(c);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.meta().endpoint()).isEqualTo("messages");
            assertThat(r.cost().isPositive()).isTrue();
        });
        Money logged = rows.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
        ConsumerRecord after = settledConsumer(c);
        assertThat(after.used()).isEqualTo(logged);
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
    }

    private ConsumerRecord settledConsumer(TestRouter.Customer c) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        return router.app().store().consumer(c.id()).orElseThrow();
    }

    private List<RequestLogEntry> log(TestRouter.Customer c) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        return router.app().store().requestLog(c.id(), 10_000);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
