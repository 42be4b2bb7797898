package io.hpp.router.dialect;

import static io.hpp.router.dialect.ResponsesSdkUpstreams.ANTHROPIC;
import static io.hpp.router.dialect.ResponsesSdkUpstreams.MOONSHOT;
import static io.hpp.router.dialect.ResponsesSdkUpstreams.OPENAI;
import static io.hpp.router.dialect.ResponsesSdkUpstreams.calls;
import static io.hpp.router.dialect.ResponsesSdkUpstreams.json;
import static io.hpp.router.dialect.ResponsesSdkUpstreams.text;
import static io.hpp.router.dialect.ResponsesSdkUpstreams.tree;
import static io.hpp.router.dialect.ResponsesSdkUpstreams.weatherTool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official OpenAI Java SDK's Responses API pointed at the router ({@code /llm/v1}), against OpenAI's own Responses
 * API (the body relayed) and two chat-only providers (translated): what the SDK parses, with its response validation
 * on; what each upstream received; what was billed; the conversations the router keeps across providers.
 */
class OpenAiResponsesSdkTest {
    private final Map<ResponsesSdkUpstreams, FakeProvider> fakes = new java.util.EnumMap<>(ResponsesSdkUpstreams.class);
    private TestRouter router;
    private final List<OpenAIClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        for (ResponsesSdkUpstreams up : ResponsesSdkUpstreams.values()) {
            fakes.put(up, new FakeProvider());
        }
        router = TestRouter.start(Map.of(
                "OPENAI_BASE_URL", fake(OPENAI).baseUrl() + "/v1", "OPENAI_API_KEY", ResponsesSdkUpstreams.OPENAI_KEY,
                "MOONSHOT_BASE_URL", fake(MOONSHOT).baseUrl() + "/moonshot/v1", "MOONSHOT_API_KEY", ResponsesSdkUpstreams.MOONSHOT_KEY,
                "ANTHROPIC_BASE_URL", fake(ANTHROPIC).baseUrl(), "ANTHROPIC_API_KEY", ResponsesSdkUpstreams.ANTHROPIC_KEY,
                "HPP_ROUTER_RETRIES", "0"));
    }

    @AfterEach
    void stop() {
        clients.forEach(OpenAIClient::close);
        router.close();
        fakes.values().forEach(FakeProvider::close);
    }

    @ParameterizedTest
    @EnumSource(ResponsesSdkUpstreams.class)
    void createReturnsAResponseTheSdkParsesAndBillsTheUpstreamsUsage(ResponsesSdkUpstreams up) {
        TestRouter.Customer c = router.customer("1");
        fake(up).enqueue(up.text("Hi! I am " + up.name() + "."));

        Response r = client(c.key()).responses().create(ResponseCreateParams.builder().model(up.model).instructions("Be brief.")
                .input("Hello").maxOutputTokens(300).build());

        assertThat(r.id()).startsWith("resp_");
        assertThat(r.model().asString()).isEqualTo(up.model);
        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(r)).isEqualTo("Hi! I am " + up.name() + ".");
        assertThat(r.instructions().flatMap(i -> i.string())).contains("Be brief.");
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(up.textUsage().input() + up.textUsage().cacheRead());
        assertThat(r.usage().orElseThrow().inputTokensDetails().cachedTokens()).isEqualTo(up.textUsage().cacheRead());
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(up.textUsage().output());

        FakeProvider.Received sent = onlyRequestTo(up);
        JsonNode body = sent.json();
        assertThat(sent.path()).isEqualTo(up.path);
        assertThat(body.get("model").asText()).isEqualTo(up.upstreamModel);
        assertThat(body.path("stream").asBoolean(false)).isFalse();
        switch (up) {
            case OPENAI -> {
                assertThat(sent.header("Authorization")).isEqualTo("Bearer " + ResponsesSdkUpstreams.OPENAI_KEY);
                assertThat(body.get("store").asBoolean()).as("the router keeps the conversation").isFalse();
                assertThat(body.get("instructions").asText()).isEqualTo("Be brief.");
                assertThat(body.get("input").asText()).isEqualTo("Hello");
                assertThat(body.get("max_output_tokens").asLong()).isEqualTo(300);
            }
            case MOONSHOT -> {
                assertThat(sent.header("Authorization")).isEqualTo("Bearer " + ResponsesSdkUpstreams.MOONSHOT_KEY);
                assertThat(body.get("messages")).isEqualTo(json(
                        "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello\"}]"));
                assertThat(body.get("max_tokens").asLong()).isEqualTo(300);
                assertThat(body.has("input") || body.has("instructions") || body.has("store")).isFalse();
            }
            case ANTHROPIC -> {
                assertThat(sent.header("x-api-key")).isEqualTo(ResponsesSdkUpstreams.ANTHROPIC_KEY);
                assertThat(sent.header("Authorization")).isNull();
                assertThat(body.get("system").toString()).contains("Be brief.");
                assertThat(body.get("messages")).isEqualTo(json("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]"));
                assertThat(body.get("max_tokens").asLong()).isEqualTo(300);
            }
        }
        assertThat(sent.headers().values().stream().flatMap(List::stream)).noneMatch(v -> v.contains(c.key()));
        assertBilledOnce(c, up.textUsage(), up.textCost());
    }

    @ParameterizedTest
    @EnumSource(ResponsesSdkUpstreams.class)
    void streamIsTheResponsesEventSequenceTheSdkAccumulates(ResponsesSdkUpstreams up) {
        TestRouter.Customer c = router.customer("1");
        fake(up).enqueue(up.streamed(fake(up)));

        ResponseAccumulator acc = ResponseAccumulator.create();
        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> s = client(c.key()).responses().createStreaming(ResponseCreateParams.builder()
                .model(up.model).input("Weather in Paris and Rome?").maxOutputTokens(500).addTool(weatherTool()).build())) {
            events = s.stream().map(acc::accumulate).toList();
        }
        Response r = acc.response();

        assertThat(events).allMatch(ResponseStreamEvent::isValid);
        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.getLast().isCompleted()).as("response.completed last").isTrue();
        assertThat(events.stream().filter(e -> e.isCompleted() || e.isFailed() || e.isIncomplete())).hasSize(1);
        assertThat(events.stream().map(e -> tree(e).path("sequence_number").asLong()).toList())
                .as("numbered from 0, one by one").containsExactlyElementsOf(IntStream.range(0, events.size()).mapToObj(i -> (long) i).toList());
        String created = events.getFirst().asCreated().response().id();
        assertThat(r.id()).isEqualTo(created);
        assertThat(r.model().asString()).isEqualTo(up.model);
        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        String deltas = events.stream().filter(ResponseStreamEvent::isOutputTextDelta).map(e -> e.asOutputTextDelta().delta())
                .collect(Collectors.joining());
        assertThat(deltas).isEqualTo(up.streamedText());
        assertThat(text(r)).isEqualTo(up.streamedText());
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(up.streamedUsage().output());
        List<ResponseFunctionToolCall> calls = calls(r);
        if (up == OPENAI) {
            assertThat(calls).isEmpty();
        } else {
            assertThat(calls).extracting(ResponseFunctionToolCall::name).containsExactly("get_weather", "get_weather");
            assertThat(calls).extracting(ResponseFunctionToolCall::callId).doesNotHaveDuplicates().allMatch(id -> !id.isBlank());
            assertThat(json(calls.get(0).arguments())).isEqualTo(json("{\"location\":\"Paris\"}"));
            assertThat(json(calls.get(1).arguments())).isEqualTo(json("{\"location\":\"Rome\"}"));
            List<String> firstCallDeltas = events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta)
                    .map(ResponseStreamEvent::asFunctionCallArgumentsDelta).filter(d -> d.itemId().equals(calls.get(0).id().orElseThrow()))
                    .map(d -> d.delta()).toList();
            assertThat(firstCallDeltas).as("the arguments came in pieces").hasSizeGreaterThan(1);
            assertThat(String.join("", firstCallDeltas)).isEqualTo(calls.get(0).arguments());
            assertThat(events.stream().filter(ResponseStreamEvent::isOutputItemDone)).hasSize(3);
        }

        FakeProvider.Received sent = onlyRequestTo(up);
        JsonNode body = sent.json();
        assertThat(sent.path()).isEqualTo(up.path);
        assertThat(body.get("model").asText()).isEqualTo(up.upstreamModel);
        assertThat(body.get("stream").asBoolean()).isTrue();
        switch (up) {
            case OPENAI -> {
                assertThat(body.get("store").asBoolean()).isFalse();
                assertThat(body.at("/tools/0/name").asText()).isEqualTo("get_weather");
                assertThat(body.get("input").asText()).isEqualTo("Weather in Paris and Rome?");
            }
            case MOONSHOT -> {
                assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
                assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
                assertThat(body.at("/tools/0/function/parameters/properties/location/type").asText()).isEqualTo("string");
            }
            case ANTHROPIC -> assertThat(body.at("/tools/0/input_schema/properties/location/type").asText()).isEqualTo("string");
        }
        assertBilledOnce(c, up.streamedUsage(), up.streamedCost());
    }

    @ParameterizedTest
    @EnumSource(ResponsesSdkUpstreams.class)
    void aFunctionCallAndItsOutputMakeTheRoundTripInTheUpstreamsShape(ResponsesSdkUpstreams up) {
        TestRouter.Customer c = router.customer("1");
        fake(up).enqueue(up.weatherCall()).enqueue(up.text("18 degrees and sunny."));
        OpenAIClient client = client(c.key());
        ResponseInputItem question = ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER).content("Weather in Paris?").build());

        Response first = client.responses().create(ResponseCreateParams.builder().model(up.model).maxOutputTokens(400)
                .inputOfResponse(List.of(question)).addTool(weatherTool()).build());
        ResponseFunctionToolCall call = calls(first).getFirst();
        assertThat(call.callId()).isEqualTo(up.callId());
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(json(call.arguments())).isEqualTo(json("{\"location\":\"Paris\"}"));

        Response second = client.responses().create(ResponseCreateParams.builder().model(up.model).maxOutputTokens(400)
                .inputOfResponse(List.of(question, ResponseInputItem.ofFunctionCall(call), ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(call.callId()).output("18°C, sunny").build())))
                .addTool(weatherTool()).build());
        assertThat(text(second)).isEqualTo("18 degrees and sunny.");

        List<FakeProvider.Received> got = fake(up).received();
        assertThat(got).hasSize(2);
        JsonNode body = got.get(1).json();
        switch (up) {
            case OPENAI -> {
                JsonNode input = body.get("input");
                assertThat(input).hasSize(3);
                assertThat(input.at("/0/role").asText()).isEqualTo("user");
                assertThat(input.get(1)).as("the call as the SDK sent it").isEqualTo(ObjectMappers.jsonMapper().valueToTree(call));
                assertThat(input.get(2)).isEqualTo(json("{\"call_id\":\"" + up.callId()
                        + "\",\"output\":\"18°C, sunny\",\"type\":\"function_call_output\"}"));
            }
            case MOONSHOT -> {
                JsonNode messages = body.get("messages");
                assertThat(messages).hasSize(3);
                assertThat(messages.get(0)).isEqualTo(json("{\"role\":\"user\",\"content\":\"Weather in Paris?\"}"));
                assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
                assertThat(messages.at("/1/tool_calls")).hasSize(1);
                assertThat(messages.at("/1/tool_calls/0/id").asText()).isEqualTo(up.callId());
                assertThat(messages.at("/1/tool_calls/0/type").asText()).isEqualTo("function");
                assertThat(messages.at("/1/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
                assertThat(json(messages.at("/1/tool_calls/0/function/arguments").asText())).isEqualTo(json("{\"location\":\"Paris\"}"));
                assertThat(messages.get(2)).isEqualTo(json(
                        "{\"role\":\"tool\",\"tool_call_id\":\"" + up.callId() + "\",\"content\":\"18°C, sunny\"}"));
            }
            case ANTHROPIC -> {
                JsonNode messages = body.get("messages");
                assertThat(messages).hasSize(3);
                assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
                JsonNode use = messages.at("/1/content/0");
                assertThat(use.get("type").asText()).isEqualTo("tool_use");
                assertThat(use.get("id").asText()).isEqualTo(up.callId());
                assertThat(use.get("input")).isEqualTo(json("{\"location\":\"Paris\"}"));
                assertThat(messages.at("/2/role").asText()).isEqualTo("user");
                assertThat(messages.at("/2/content/0/type").asText()).isEqualTo("tool_result");
                assertThat(messages.at("/2/content/0/tool_use_id").asText()).isEqualTo(up.callId());
                assertThat(messages.at("/2/content/0/content").toString()).contains("18°C, sunny");
            }
        }
        assertLedgerBalanced(c, 2);
    }

    @Test
    void aConversationStartedOnOpenAiContinuesOnMoonshotAndOnlyItsOwnerRetrievesOrDeletesIt() {
        TestRouter.Customer c = router.customer("1");
        TestRouter.Customer other = router.customer("1");
        OpenAIClient client = client(c.key());
        fake(OPENAI).enqueue(OPENAI.text("Hello!"));
        fake(MOONSHOT).enqueue(MOONSHOT.text("Hello again!"));

        Response first = client.responses().create(ResponseCreateParams.builder().model(OPENAI.model).input("Say hello").build());
        Response second = client.responses().create(ResponseCreateParams.builder().model(MOONSHOT.model)
                .previousResponseId(first.id()).input("And again?").build());

        assertThat(text(first)).isEqualTo("Hello!");
        assertThat(text(second)).isEqualTo("Hello again!");
        assertThat(second.previousResponseId()).contains(first.id());
        assertThat(fake(OPENAI).received()).hasSize(1);
        assertThat(fake(OPENAI).last().json().get("store").asBoolean()).isFalse();
        assertThat(fake(MOONSHOT).received()).hasSize(1);
        JsonNode sent = fake(MOONSHOT).last().json();
        assertThat(sent.get("messages")).as("turn 1's input and output (its reasoning item not), then the new input").isEqualTo(json("""
                [{"role":"user","content":"Say hello"},{"role":"assistant","content":"Hello!"},
                 {"role":"user","content":"And again?"}]"""));
        assertThat(sent.has("previous_response_id")).isFalse();

        Response kept = client.responses().retrieve(first.id());
        assertThat(kept.id()).isEqualTo(first.id());
        assertThat(kept.model().asString()).isEqualTo(OPENAI.model);
        assertThat(text(kept)).isEqualTo("Hello!");
        assertThat(text(client.responses().retrieve(second.id()))).isEqualTo("Hello again!");

        OpenAIClient stranger = client(other.key());
        assertThatThrownBy(() -> stranger.responses().retrieve(second.id())).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.getMessage()).contains(second.id()));
        assertThatThrownBy(() -> stranger.responses().delete(second.id())).isInstanceOf(NotFoundException.class);
        client.responses().delete(first.id());
        assertThatThrownBy(() -> client.responses().retrieve(first.id())).isInstanceOf(NotFoundException.class);
        assertThat(text(client.responses().retrieve(second.id()))).as("the stranger's delete did nothing").isEqualTo("Hello again!");

        List<RequestLogEntry> rows = log(c);
        assertThat(rows).extracting(r -> r.meta().endpoint()).containsExactly("responses", "responses");
        assertThat(rows).extracting(RequestLogEntry::cost).containsExactlyInAnyOrder(OPENAI.textCost(), MOONSHOT.textCost());
        assertLedgerBalanced(c, 2);
        assertThat(settledConsumer(other).used()).isEqualTo(Money.ZERO);
    }

    @Test
    void refusalsAreTheSdksOwnExceptionsWithOpenAisCodesAndReachNoUpstream() {
        TestRouter.Customer c = router.customer("1");
        TestRouter.Customer broke = router.customer("0");
        ResponseCreateParams hello = ResponseCreateParams.builder().model(OPENAI.model).input("Hello").build();
        String unknown = "openai/nonexistent-9";

        assertThatThrownBy(() -> client(c.key()).responses().create(hello.toBuilder().model(unknown).build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertError(e, 404, "model_not_found");
                    assertThat(e.getMessage()).contains(unknown);
                });
        for (ResponsesSdkUpstreams up : ResponsesSdkUpstreams.values()) {
            assertThatThrownBy(() -> client(broke.key()).responses().create(hello.toBuilder().model(up.model).build()))
                    .as(up.model).isInstanceOfSatisfying(RateLimitException.class, e -> assertError(e, 429, "insufficient_quota"));
        }
        assertThatThrownBy(() -> {
            try (StreamResponse<ResponseStreamEvent> s = client(broke.key()).responses().createStreaming(hello)) {
                s.stream().toList();
            }
        }).isInstanceOfSatisfying(RateLimitException.class, e -> assertError(e, 429, "insufficient_quota"));
        assertThatThrownBy(() -> client("sk-hpp-not-a-key-of-this-router").responses().create(hello))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertError(e, 401, "invalid_api_key"));

        fakes.values().forEach(f -> assertThat(f.received()).isEmpty());
        assertThat(settledConsumer(broke).used()).isEqualTo(Money.ZERO);
    }

    /** The error as the SDK read it from OpenAI's envelope: status, code, and a message for people. */
    private static void assertError(OpenAIServiceException e, int status, String code) {
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.code()).as(e.body().toString()).contains(code);
        assertThat(e.getMessage()).isNotBlank().doesNotContain("Exception");
    }

    /** The SDK as a user builds it, on the router's /llm/v1 with a router key, validating every response. */
    private OpenAIClient client(String key) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(router.baseUrl() + "/llm/v1").apiKey(key).maxRetries(0)
                .responseValidation(true).build();
        clients.add(client);
        return client;
    }

    private FakeProvider fake(ResponsesSdkUpstreams up) {
        return fakes.get(up);
    }

    /** The one request the router made, to {@code up}'s fake and no other. */
    private FakeProvider.Received onlyRequestTo(ResponsesSdkUpstreams up) {
        assertThat(fake(up).received()).hasSize(1);
        fakes.forEach((other, f) -> {
            if (other != up) {
                assertThat(f.received()).as(other.name()).isEmpty();
            }
        });
        return fake(up).last();
    }

    /** One log row of endpoint responses with the upstream's usage and the exact cost, and the balance down by that cost. */
    private void assertBilledOnce(TestRouter.Customer c, TokenUsage usage, Money cost) {
        List<RequestLogEntry> rows = log(c);
        assertThat(rows).hasSize(1);
        RequestLogEntry row = rows.getFirst();
        assertThat(row.meta().endpoint()).isEqualTo("responses");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usage()).isEqualTo(usage);
        assertThat(row.cost()).isEqualTo(cost);
        ConsumerRecord after = settledConsumer(c);
        assertThat(after.remaining()).isEqualTo(Money.ofDollars("1").minus(cost));
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
    }

    /** {@code count} paid rows of endpoint responses; used equals their sum, the balance is down by it, nothing held. */
    private void assertLedgerBalanced(TestRouter.Customer c, int count) {
        List<RequestLogEntry> rows = log(c);
        assertThat(rows).hasSize(count).allSatisfy(r -> {
            assertThat(r.meta().endpoint()).isEqualTo("responses");
            assertThat(r.cost().isPositive()).isTrue();
        });
        Money logged = rows.stream().map(RequestLogEntry::cost).reduce(Money.ZERO, Money::plus);
        ConsumerRecord after = settledConsumer(c);
        assertThat(after.used()).isEqualTo(logged);
        assertThat(after.remaining()).isEqualTo(Money.ofDollars("1").minus(logged));
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
}
