package io.hpp.router.dialect.messages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.util.Objects;

/**
 * The router's errors (a status, our code, a message) in Anthropic's shape,
 * {@code {"type":"error","error":{"type":…,"message":…}}}, with the status Anthropic uses for the same situation, so
 * that Anthropic SDKs and Claude Code react as they do to Anthropic: retry what is transient, stop at once on what is not.
 */
public final class MessagesErrors {
    /** The words of Anthropic's own billing error, which Claude Code shows as "Credit balance is too low". */
    static final String BALANCE_TOO_LOW = "Your credit balance is too low to access this model. ";

    private MessagesErrors() {
    }

    /** An Anthropic error answer: its HTTP status and its body. */
    public record Rendered(int status, ObjectNode body) {
        public Rendered {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * {@code status} and {@code code} (ours, as in {@code ApiException} and the provider errors' envelopes) → Anthropic's.
     * An exhausted balance is Anthropic's billing error, 402 {@code billing_error} worded "credit balance is too low":
     * Claude Code then stops at once and says so, where our 429 would make it retry ten times over ~3 minutes
     * (docs/research/claude-code-offline.md §7); a key's spent budget (our 429 {@code key_budget_exceeded}) likewise,
     * its message saying that the key's budget, not the balance, ran out. An unknown model is a 404 {@code not_found_error}, as at Anthropic.
     * Our 503 and every {@code overloaded} (the router, or a provider that said 503 or 529) is Anthropic's 529
     * {@code overloaded_error}, which clients retry.
     */
    public static Rendered of(int status, String code, String message) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        return switch (code) {
            case "quota_exceeded", "key_budget_exceeded" -> render(402, "billing_error", BALANCE_TOO_LOW + message);
            case "model_not_found" -> render(404, "not_found_error", message);
            case "overloaded" -> render(529, "overloaded_error", message); // ours (503) or a provider's (503, 529)
            default -> render(status == 503 ? 529 : status, type(status), message);
        };
    }

    /** Anthropic's error type for an HTTP status. */
    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status < 500 ? "invalid_request_error" : "api_error";
        };
    }

    private static Rendered render(int status, String type, String message) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        return new Rendered(status, body);
    }
}
