package io.hpp.router.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.upstream.ProviderException;
import java.io.IOException;
import java.util.Optional;

/**
 * Translation between the OpenAI chat format and Anthropic's Messages API, as pure functions (golden-tested):
 * {@link #toUpstream}, {@link #fromUpstream}, {@link #fromEvent} (through a per-stream {@link AnthropicStream}) and
 * {@link #fromError}.
 */
public final class AnthropicMapper {
    static final String PROVIDER = "anthropic";

    private AnthropicMapper() {
    }

    /** OpenAI request → Anthropic request; {@code defaultMaxTokens} when the client set no cap (Anthropic needs one). */
    public static ObjectNode toUpstream(ObjectNode openAiRequest, String upstreamModel, long defaultMaxTokens) {
        return AnthropicRequests.toUpstream(openAiRequest, upstreamModel, defaultMaxTokens);
    }

    /** Anthropic message → OpenAI {@code chat.completion}. */
    public static ObjectNode fromUpstream(JsonNode message, long created) {
        ObjectNode out = Json.object();
        out.put("id", message.path("id").asText());
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", message.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText()).put("arguments", block.path("input").toString());
                }
                default -> {
                    // thinking and other block kinds have no place in an OpenAI message
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
        msg.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
        out.set("usage", usage(message.path("usage")));
        return out;
    }

    /** A translator for one stream; feed it each event in order. */
    public static AnthropicStream newStream(long created) {
        return new AnthropicStream(created);
    }

    /** One event of a stream → zero or more OpenAI chunks. */
    public static java.util.List<ObjectNode> fromEvent(AnthropicStream stream, String data) {
        return stream.onEvent(parse(data));
    }

    /** An Anthropic error answer (HTTP status and body) → our structured provider error. */
    public static ProviderException fromError(int status, String body) {
        return fromError(PROVIDER, status, body);
    }

    /** As {@link #fromError(int, String)}, for a provider of the Anthropic type under a name of its own. */
    public static ProviderException fromError(String provider, int status, String body) {
        JsonNode err = Optional.ofNullable(parseQuietly(body)).map(n -> n.path("error")).orElse(Json.object());
        String message = err.path("message").asText(body.length() > 300 ? body.substring(0, 300) : body);
        return ProviderException.fromStatus(provider, status, message);
    }

    /** An {@code error} event inside a stream → our structured provider error, by the event's error type. */
    static ProviderException fromStreamError(JsonNode error) {
        int status = switch (error.path("type").asText()) {
            case "overloaded_error" -> 529;
            case "rate_limit_error" -> 429;
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "timeout_error" -> 504;
            default -> 500;
        };
        return ProviderException.fromStatus(PROVIDER, status, error.path("message").asText("stream failed"));
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Anthropic usage → OpenAI usage. Anthropic's {@code input_tokens} excludes cached tokens; OpenAI's
     * {@code prompt_tokens} includes them, so prompt = input + cache read + cache write, with the cache parts
     * reported in {@code prompt_tokens_details} for billing to price each token once at its own rate. Sums saturate at
     * {@code Long.MAX_VALUE}, which billing then takes for the absurd report it is, never wrapping to a small number.
     */
    static ObjectNode usage(JsonNode u) {
        long input = tokens(u.get("input_tokens"));
        long cacheRead = tokens(u.get("cache_read_input_tokens"));
        long cacheWrite = tokens(u.get("cache_creation_input_tokens"));
        long output = tokens(u.get("output_tokens"));
        long prompt = saturatedSum(saturatedSum(input, cacheRead), cacheWrite);
        ObjectNode out = Json.object();
        out.put("prompt_tokens", prompt);
        out.put("completion_tokens", output);
        out.put("total_tokens", saturatedSum(prompt, output));
        ObjectNode details = out.putObject("prompt_tokens_details");
        details.put("cached_tokens", cacheRead);
        details.put("cache_write_tokens", cacheWrite);
        return out;
    }

    /** A reported token count: 0 when absent, negative or not a number; {@code Long.MAX_VALUE} when beyond a long. */
    static long tokens(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return 0;
        }
        if (n.canConvertToLong()) {
            return Math.max(0, n.asLong());
        }
        return n.decimalValue().signum() > 0 ? Long.MAX_VALUE : 0;
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum; // both are >= 0: a negative sum is an overflow
    }

    static JsonNode parse(String data) {
        JsonNode n = parseQuietly(data);
        if (n == null || !n.isObject()) {
            throw ProviderException.badResponse(PROVIDER, "an event that is not a JSON object");
        }
        return n;
    }

    private static JsonNode parseQuietly(String text) {
        try {
            return Json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
