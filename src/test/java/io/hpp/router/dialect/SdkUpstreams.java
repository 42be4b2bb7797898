package io.hpp.router.dialect;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The two upstreams a Messages client meets behind the router, as {@link AnthropicSdkTest} scripts them: Anthropic's
 * Messages API (relayed) and an OpenAI-compatible chat API (translated), each answering in its real wire format (the
 * Anthropic transcripts are the recorded ones of {@code golden/anthropic}, the OpenAI ones follow its API reference).
 */
enum SdkUpstreams {
    ANTHROPIC("anthropic/claude-sonnet-4", "claude-sonnet-4-20250514"),
    OPENAI("openai/gpt-5", "gpt-5");

    static final String ANTHROPIC_KEY = "sk-ant-upstream-key";
    static final String OPENAI_KEY = "sk-openai-upstream-key";

    final String model;
    final String upstreamModel;

    SdkUpstreams(String model, String upstreamModel) {
        this.model = model;
        this.upstreamModel = upstreamModel;
    }

    /** A text answer "Hi! My name is …" with 10 input and 12 output tokens, stopped at the end of the turn. */
    FakeProvider.Script text(String content) {
        return switch (this) {
            case ANTHROPIC -> FakeProvider.json(200, """
                    {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",\
                    "content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,\
                    "usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":12}}"""
                    .formatted(content));
            case OPENAI -> FakeProvider.json(200, OpenAiWire.completion("gpt-5-2025-08-07", content, 10, 12, 0));
        };
    }

    /** One tool call: get_weather for Paris (id {@code toolId}), 120 input and 40 output tokens. */
    FakeProvider.Script toolCall(String toolId) {
        return switch (this) {
            case ANTHROPIC -> FakeProvider.json(200, """
                    {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",\
                    "content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"%s","name":"get_weather",\
                    "input":{"location":"Paris"}}],"stop_reason":"tool_use","stop_sequence":null,\
                    "usage":{"input_tokens":120,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":40}}"""
                    .formatted(toolId));
            case OPENAI -> FakeProvider.json(200, """
                    {"id":"chatcmpl-CZ1tool","object":"chat.completion","created":1765065600,"model":"gpt-5-2025-08-07",\
                    "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"%s","type":"function",\
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}],"refusal":null,"annotations":[]},\
                    "logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":120,"completion_tokens":40,\
                    "total_tokens":160,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":\
                    {"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
                    "service_tier":"default","system_fingerprint":null}""".formatted(toolId));
        };
    }

    /**
     * A streamed answer of text then two get_weather calls (Paris, Rome), each call's arguments split over several deltas.
     * Anthropic: "Checking both cities.", 472 input and 89 output tokens. OpenAI: "Checking both.", 80 and 40.
     */
    FakeProvider.Script textAndTwoToolsStreamed(FakeProvider fake) {
        return switch (this) {
            case ANTHROPIC -> sse(golden("anthropic/tools-streamed/anthropic-stream.sse"));
            case OPENAI -> fake.sse(0, List.of(
                    OpenAiWire.chunk("gpt-5-2025-08-07", "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null),
                    OpenAiWire.chunk("gpt-5-2025-08-07", "{\"content\":\"Checking\"}", null),
                    OpenAiWire.chunk("gpt-5-2025-08-07", "{\"content\":\" both.\"}", null),
                    call(0, "\"id\":\"call_P\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}"),
                    call(0, "\"function\":{\"arguments\":\"{\\\"loc\"}"),
                    call(0, "\"function\":{\"arguments\":\"ation\\\": \\\"Pa\"}"),
                    call(0, "\"function\":{\"arguments\":\"ris\\\"}\"}"),
                    call(1, "\"id\":\"call_R\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\"\"}"),
                    call(1, "\"function\":{\"arguments\":\": \\\"Rome\\\"}\"}"),
                    OpenAiWire.chunk("gpt-5-2025-08-07", "{}", "tool_calls"),
                    OpenAiWire.usageChunk("gpt-5-2025-08-07", 80, 40),
                    "[DONE]"));
        };
    }

    /** A chunk adding to tool call {@code index}: {@code members} are the call object's other members. */
    private static String call(int index, String members) {
        return OpenAiWire.chunk("gpt-5-2025-08-07", "{\"tool_calls\":[{\"index\":" + index + "," + members + "}]}", null);
    }

    static FakeProvider.Script sse(String transcript) {
        return (req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(transcript.getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    static String golden(String file) {
        try {
            return Files.readString(Path.of(SdkUpstreams.class.getResource("/golden/" + file).toURI()));
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
