package io.hpp.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import io.hpp.router.common.Json;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The three upstreams a Responses client meets behind the router, as {@link OpenAiResponsesSdkTest} scripts them:
 * OpenAI's own Responses API (the body relayed), Moonshot's chat completions and Anthropic's Messages API (both
 * translated). OpenAI's answers follow its API reference (a gpt-5 answer starts with a reasoning item; the response
 * echoes the request's instructions and tools, and {@code store: false} as the router asks it); the chat and Anthropic
 * answers are those of {@link SdkUpstreams} and {@link OpenAiWire}.
 */
enum ResponsesSdkUpstreams {
    OPENAI("openai/gpt-5", "gpt-5", "/v1/responses"),
    MOONSHOT("moonshotai/kimi-k2.6", "kimi-k2.6", "/moonshot/v1/chat/completions"),
    ANTHROPIC("anthropic/claude-sonnet-4", "claude-sonnet-4-20250514", "/v1/messages");

    static final String OPENAI_KEY = SdkUpstreams.OPENAI_KEY;
    static final String MOONSHOT_KEY = "sk-moonshot-upstream-key";
    static final String ANTHROPIC_KEY = SdkUpstreams.ANTHROPIC_KEY;
    /** OpenAI's usage of every scripted answer of its: 100 input tokens of which 40 cached, 20 output of which 12 reasoning. */
    private static final String OPENAI_USAGE = """
            {"input_tokens":100,"input_tokens_details":{"cached_tokens":40},"output_tokens":20,\
            "output_tokens_details":{"reasoning_tokens":12},"total_tokens":120}""";
    private static final String REASONING = "{\"id\":\"rs_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b\",\"type\":\"reasoning\",\"summary\":[]}";

    final String model;
    final String upstreamModel;
    final String path;

    ResponsesSdkUpstreams(String model, String upstreamModel, String path) {
        this.model = model;
        this.upstreamModel = upstreamModel;
        this.path = path;
    }

    /** A text answer: OpenAI 100 (40 cached) + 20 tokens, Moonshot and Anthropic 10 + 12. */
    FakeProvider.Script text(String content) {
        return switch (this) {
            case OPENAI -> openAiResponse("resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b",
                    "[" + REASONING + "," + message("msg_68af40337b0c8193a8b5a3d2bc2b2b4905438e46b5f69a3b", content) + "]");
            case MOONSHOT -> FakeProvider.json(200, OpenAiWire.completion("kimi-k2.6", content, 10, 12, 0));
            case ANTHROPIC -> SdkUpstreams.ANTHROPIC.text(content);
        };
    }

    TokenUsage textUsage() {
        return this == OPENAI ? new TokenUsage(60, 20, 0, 40) : new TokenUsage(10, 12, 0, 0);
    }

    /** Per 1M tokens: gpt-5 60 × $1.25 + 40 × $0.125 + 20 × $10; kimi 10 × $0.6 + 12 × $2.5; Sonnet 10 × $3 + 12 × $15. */
    Money textCost() {
        return Money.ofDollars(switch (this) {
            case OPENAI -> "0.00028";
            case MOONSHOT -> "0.000036";
            case ANTHROPIC -> "0.00021";
        });
    }

    /** The call id each upstream gives its get_weather call (Kimi's ids are {@code functions.<name>:<n>}). */
    String callId() {
        return switch (this) {
            case OPENAI -> "call_unLAR8MvFNptuiZK6K6HCy5k";
            case MOONSHOT -> "functions.get_weather:0";
            case ANTHROPIC -> "toolu_01A09q90qw90lq917835lq9";
        };
    }

    /** One get_weather call for Paris; OpenAI 100 (40 cached) + 20 tokens, the others 120 + 40. */
    FakeProvider.Script weatherCall() {
        return switch (this) {
            case OPENAI -> openAiResponse("resp_67ca09c5efe0819096d0511c92b8c890096610f474011cc0", "[" + REASONING + """
                    ,{"type":"function_call","id":"fc_67ca09c6bedc8190a7abfec07b1a1332096610f474011cc0",\
                    "call_id":"%s","name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}","status":"completed"}]"""
                    .formatted(callId()));
            case MOONSHOT -> FakeProvider.json(200, """
                    {"id":"chatcmpl-68af4f3c2a1d9e0b7c6d5e4f","object":"chat.completion","created":1756319548,"model":"kimi-k2.6",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"index":0,"id":"%s",\
                    "type":"function","function":{"name":"get_weather","arguments":"{\\"location\\": \\"Paris\\"}"}}]},\
                    "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":120,"completion_tokens":40,"total_tokens":160}}"""
                    .formatted(callId()));
            case ANTHROPIC -> SdkUpstreams.ANTHROPIC.toolCall(callId());
        };
    }

    /**
     * A streamed answer. OpenAI: a reasoning item, then "Hello!" in two deltas, 100 (40 cached) + 20 tokens. Moonshot and
     * Anthropic: text, then two get_weather calls (Paris, Rome) whose arguments come in several deltas, as
     * {@link SdkUpstreams#textAndTwoToolsStreamed} has them.
     */
    FakeProvider.Script streamed(FakeProvider fake) {
        return switch (this) {
            case OPENAI -> sse(openAiStream());
            case MOONSHOT -> SdkUpstreams.OPENAI.textAndTwoToolsStreamed(fake);
            case ANTHROPIC -> SdkUpstreams.ANTHROPIC.textAndTwoToolsStreamed(fake);
        };
    }

    /** The OpenAI stream's answer as text; the others' text before their calls. */
    String streamedText() {
        return switch (this) {
            case OPENAI -> "Hello!";
            case MOONSHOT -> "Checking both.";
            case ANTHROPIC -> "Checking both cities.";
        };
    }

    TokenUsage streamedUsage() {
        return switch (this) {
            case OPENAI -> textUsage();
            case MOONSHOT -> new TokenUsage(80, 40, 0, 0);
            case ANTHROPIC -> new TokenUsage(472, 89, 0, 0);
        };
    }

    /** Per 1M tokens: gpt-5 as {@link #textCost}; kimi 80 × $0.6 + 40 × $2.5; Sonnet 472 × $3 + 89 × $15. */
    Money streamedCost() {
        return switch (this) {
            case OPENAI -> textCost();
            case MOONSHOT -> Money.ofDollars("0.000148");
            case ANTHROPIC -> Money.ofDollars("0.002751");
        };
    }

    /** OpenAI's response object, in its field order, echoing the request's instructions and tools as OpenAI does. */
    private static FakeProvider.Script openAiResponse(String id, String output) {
        return (req, ex) -> FakeProvider.json(200, response(req.json(), id, "completed", output, OPENAI_USAGE)).answer(req, ex);
    }

    private static String response(JsonNode req, String id, String status, String output, String usage) {
        return """
                {"id":"%s","object":"response","created_at":1756315696,"status":"%s","background":false,"error":null,\
                "incomplete_details":null,"instructions":%s,"max_output_tokens":%s,"max_tool_calls":null,"model":"gpt-5-2025-08-07",\
                "output":%s,"parallel_tool_calls":true,"previous_response_id":null,"prompt_cache_key":null,\
                "reasoning":{"effort":"medium","summary":null},"safety_identifier":null,"service_tier":"default","store":false,\
                "temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":%s,\
                "top_logprobs":0,"top_p":1.0,"truncation":"disabled","usage":%s,"user":null,"metadata":{}}"""
                .formatted(id, status, req.path("instructions").isTextual() ? req.get("instructions").toString() : "null",
                        req.path("max_output_tokens").isNumber() ? req.get("max_output_tokens").asText() : "null", output,
                        req.path("tools").isArray() ? req.get("tools").toString() : "[]", usage);
    }

    private static String message(String id, String text) {
        return """
                {"id":"%s","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],\
                "logprobs":[],"text":"%s"}],"role":"assistant"}""".formatted(id, text);
    }

    /** gpt-5 streaming "Hello!": every event named, numbered from 0, as OpenAI's streaming reference lists them. */
    private static String openAiStream() {
        String id = "resp_68af4d3f8e0c8196b5c4a1e2d3f4a5b605438e46b5f69a3b";
        String msg = "msg_68af4d41c7a48196a6c0e6f1b2c3d4e505438e46b5f69a3b";
        JsonNode none = Json.object();
        String inProgress = response(none, id, "in_progress", "[]", "null");
        String part = "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"%s\"}";
        List<String> events = List.of(
                "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + inProgress + "}",
                "{\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":" + inProgress + "}",
                "{\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":" + REASONING + "}",
                "{\"type\":\"response.output_item.done\",\"sequence_number\":3,\"output_index\":0,\"item\":" + REASONING + "}",
                "{\"type\":\"response.output_item.added\",\"sequence_number\":4,\"output_index\":1,\"item\":{\"id\":\"" + msg
                        + "\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}",
                "{\"type\":\"response.content_part.added\",\"sequence_number\":5,\"item_id\":\"" + msg
                        + "\",\"output_index\":1,\"content_index\":0,\"part\":" + part.formatted("") + "}",
                "{\"type\":\"response.output_text.delta\",\"sequence_number\":6,\"item_id\":\"" + msg
                        + "\",\"output_index\":1,\"content_index\":0,\"delta\":\"Hel\",\"logprobs\":[],\"obfuscation\":\"xR2fT0aQ9bN\"}",
                "{\"type\":\"response.output_text.delta\",\"sequence_number\":7,\"item_id\":\"" + msg
                        + "\",\"output_index\":1,\"content_index\":0,\"delta\":\"lo!\",\"logprobs\":[],\"obfuscation\":\"Kc7pW1mZs\"}",
                "{\"type\":\"response.output_text.done\",\"sequence_number\":8,\"item_id\":\"" + msg
                        + "\",\"output_index\":1,\"content_index\":0,\"text\":\"Hello!\",\"logprobs\":[]}",
                "{\"type\":\"response.content_part.done\",\"sequence_number\":9,\"item_id\":\"" + msg
                        + "\",\"output_index\":1,\"content_index\":0,\"part\":" + part.formatted("Hello!") + "}",
                "{\"type\":\"response.output_item.done\",\"sequence_number\":10,\"output_index\":1,\"item\":" + message(msg, "Hello!") + "}",
                "{\"type\":\"response.completed\",\"sequence_number\":11,\"response\":"
                        + response(none, id, "completed", "[" + REASONING + "," + message(msg, "Hello!") + "]", OPENAI_USAGE) + "}");
        StringBuilder sse = new StringBuilder();
        for (String e : events) {
            String type = e.substring(9, e.indexOf('"', 9));
            sse.append("event: ").append(type).append('\n').append("data: ").append(e).append("\n\n");
        }
        return sse.toString();
    }

    private static FakeProvider.Script sse(String transcript) {
        return (req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(transcript.getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    // The SDK side of these exchanges, shared by the test

    /** The get_weather function tool whose calls the upstreams script, as an SDK user declares it. */
    static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("The current weather in a city").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location"))).build())
                .build();
    }

    /** The text of a response's messages, as the SDK parsed it. */
    static String text(Response r) {
        return r.output().stream().flatMap(i -> i.message().stream()).map(ResponseOutputMessage::content).flatMap(List::stream)
                .flatMap(part -> part.outputText().stream()).map(t -> t.text()).collect(Collectors.joining());
    }

    static List<ResponseFunctionToolCall> calls(Response r) {
        return r.output().stream().map(ResponseOutputItem::functionCall).flatMap(Optional::stream).toList();
    }

    /** An event as JSON, for the members every event has (sequence_number) but the SDK's union does not expose. */
    static JsonNode tree(ResponseStreamEvent e) {
        return json(ObjectMappers.jsonMapper().valueToTree(e).toString());
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
