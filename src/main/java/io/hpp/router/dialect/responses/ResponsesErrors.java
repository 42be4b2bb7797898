package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.util.Objects;

/**
 * The router's errors (a status, our code, a message) in OpenAI's shape,
 * {@code {"error":{"message":…,"type":…,"param":null,"code":…}}}, with the status, type and code OpenAI uses for the
 * same situation, so that the OpenAI SDKs and Codex react as they do to OpenAI: retry what is transient, stop at once
 * on what is not. Where OpenAI has no code of its own for a situation, {@code code} is ours.
 */
public final class ResponsesErrors {
    private ResponsesErrors() {
    }

    /** An OpenAI error answer: its HTTP status and its body. */
    public record Rendered(int status, ObjectNode body) {
        public Rendered {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * {@code status} and {@code code} (ours, as in {@code ApiException} and the provider errors' envelopes) → OpenAI's.
     * An exhausted balance is OpenAI's 429 {@code insufficient_quota}: Codex then stops at once with "Quota exceeded.
     * Check your plan and billing details.", where a plain 429 would be a rate limit it retries
     * (docs/research/codex-offline.md §6). A key's spent budget is a 429 of the same type with our code
     * {@code key_budget_exceeded}, without {@code Retry-After}: Codex tries such a 429 once. A rate limit is {@code rate_limit_exceeded}, as OpenAI's; a bad key is
     * {@code invalid_api_key} (OpenAI types a 401 as {@code invalid_request_error}); an unknown model is a 404
     * {@code model_not_found}, as at OpenAI; every overload (ours, or a provider's 503 or 529 that reached us as 500)
     * is a 503 {@code server_error}, which clients retry.
     */
    public static Rendered of(int status, String code, String message) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        return switch (code) {
            case "quota_exceeded" -> render(429, "insufficient_quota", "insufficient_quota", message);
            case "key_budget_exceeded" -> render(429, "insufficient_quota", "key_budget_exceeded", message);
            case "rate_limited" -> render(429, "requests", "rate_limit_exceeded", message);
            case "unauthorized" -> render(401, "invalid_request_error", "invalid_api_key", message);
            case "model_not_found" -> render(404, "invalid_request_error", "model_not_found", message);
            case "overloaded" -> render(503, "server_error", "overloaded", message);
            default -> render(status, type(status), code, message);
        };
    }

    /** OpenAI's error type for an HTTP status: {@code server_error} from 500 up, else {@code invalid_request_error}. */
    static String type(int status) {
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    /**
     * The {@code error.code} of a {@code response.failed} event for our code: OpenAI's where Codex tells them apart
     * ({@code insufficient_quota} stops it, {@code rate_limit_exceeded} and {@code server_error} are retried).
     */
    public static String streamCode(String code) {
        return switch (Objects.requireNonNull(code, "code")) {
            case "quota_exceeded" -> "insufficient_quota";
            case "rate_limited" -> "rate_limit_exceeded";
            case "invalid_request", "upstream_rejected" -> "invalid_prompt";
            default -> "server_error";
        };
    }

    private static Rendered render(int status, String type, String code, String message) {
        ObjectNode body = Json.object();
        body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
        return new Rendered(status, body);
    }
}
