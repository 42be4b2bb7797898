package io.hpp.router.testing;

import java.util.ArrayList;
import java.util.List;

/** OpenAI chat-completions wire format, as the public API reference shows it. */
public final class OpenAiWire {
    private OpenAiWire() {
    }

    public static String completion(String upstreamModel, String content, int prompt, int completion, int cached) {
        return """
                {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,\
                "model":"%s","choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null,\
                "annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":%d,\
                "completion_tokens":%d,"total_tokens":%d,"prompt_tokens_details":{"cached_tokens":%d,"audio_tokens":0},\
                "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,\
                "rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_44709d6fcb"}"""
                .formatted(upstreamModel, content, prompt, completion, prompt + completion, cached);
    }

    public static String chunk(String upstreamModel, String deltaJson, String finishReason) {
        return "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"" + upstreamModel
                + "\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":" + deltaJson
                + ",\"logprobs\":null,\"finish_reason\":" + (finishReason == null ? "null" : "\"" + finishReason + "\"")
                + "}],\"usage\":null}";
    }

    public static String usageChunk(String upstreamModel, int prompt, int completion) {
        return "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"" + upstreamModel
                + "\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}";
    }

    /** A text answer streamed word by word, then finish, usage chunk and [DONE]. */
    public static List<String> textStream(String upstreamModel, List<String> words, int prompt, int completion) {
        List<String> events = new ArrayList<>();
        events.add(chunk(upstreamModel, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null));
        for (String w : words) {
            events.add(chunk(upstreamModel, "{\"content\":\"" + w + "\"}", null));
        }
        events.add(chunk(upstreamModel, "{}", "stop"));
        events.add(usageChunk(upstreamModel, prompt, completion));
        events.add("[DONE]");
        return events;
    }

    public static List<String> toolCallStream(String upstreamModel) {
        return List.of(
                chunk(upstreamModel, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],\"refusal\":null}", null),
                chunk(upstreamModel, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\"}}]}", null),
                chunk(upstreamModel, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", null),
                chunk(upstreamModel, "{}", "tool_calls"),
                usageChunk(upstreamModel, 80, 17),
                "[DONE]");
    }

    /** OpenAI's images answer for gpt-image-1 (b64_json data of a 1×1 PNG, image usage names). */
    public static String imagesAnswer(int n, long input, long output) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < n; i++) {
            data.append(i == 0 ? "" : ",").append("{\"b64_json\":\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\"}");
        }
        return "{\"created\":1713833628,\"background\":\"opaque\",\"data\":[" + data + "],\"output_format\":\"png\",\"quality\":\"high\","
                + "\"size\":\"1024x1024\",\"usage\":{\"input_tokens\":" + input + ",\"input_tokens_details\":{\"image_tokens\":0,"
                + "\"text_tokens\":" + input + "},\"output_tokens\":" + output + ",\"total_tokens\":" + (input + output) + "}}";
    }

    public static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached for gpt-5 in organization org-x on "
            + "requests per min (RPM): Limit 500, Used 500, Requested 1.\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    public static final String SERVER_ERROR = "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    public static final String OVERLOADED = "{\"error\":{\"message\":\"The engine is currently overloaded, please try again later\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    public static final String BAD_REQUEST = "{\"error\":{\"message\":\"Invalid value for 'temperature': must be <= 2.\","
            + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}";
    public static final String INVALID_KEY = "{\"error\":{\"message\":\"Incorrect API key provided: sk-test. You can find your API key at "
            + "https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";
}
