package io.hpp.router.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.util.Optional;

/**
 * A failure that came from (or on the way to) a provider. Rendered in the structured envelope
 * {@code {"error":{message,type,code,provider,upstream_status,retryable}}} with the status the contract gives.
 */
public final class ProviderException extends RuntimeException {
    private final String provider;
    private final String type;
    private final String code;
    private final Optional<Integer> upstreamStatus;
    private final boolean retryable;
    private final int clientStatus;
    private Optional<java.time.Duration> retryAfter = Optional.empty();

    public ProviderException(String provider, String type, String code, Optional<Integer> upstreamStatus,
                             boolean retryable, int clientStatus, String message) {
        super(message, null, false, false);
        this.provider = provider;
        this.type = type;
        this.code = code;
        this.upstreamStatus = upstreamStatus;
        this.retryable = retryable;
        this.clientStatus = clientStatus;
    }

    /** Maps a provider's HTTP error status to the contract: its 4xx → 400, 429 → 429, 401/403 and 5xx → 500. */
    public static ProviderException fromStatus(String provider, int status, String upstreamMessage) {
        String msg = upstreamMessage == null || upstreamMessage.isBlank() ? "provider returned HTTP " + status : upstreamMessage;
        return switch (status) {
            case 429 -> new ProviderException(provider, "upstream_error", "rate_limited", Optional.of(status), true, 429, msg);
            case 401, 403 -> new ProviderException(provider, "upstream_error", "provider_auth_failed", Optional.of(status), false, 500,
                    "The gateway's credentials for " + provider + " were refused; this is a gateway configuration problem");
            case 408 -> new ProviderException(provider, "upstream_error", "timeout", Optional.of(status), true, 500, msg);
            case 529, 503 -> new ProviderException(provider, "upstream_error", "overloaded", Optional.of(status), true, 500, msg);
            default -> status >= 500
                    ? new ProviderException(provider, "upstream_error", "server_error", Optional.of(status), true, 500, msg)
                    : new ProviderException(provider, "invalid_request_error", "upstream_rejected", Optional.of(status), false, 400, msg);
        };
    }

    public static ProviderException timeout(String provider, String what) {
        return new ProviderException(provider, "upstream_error", "timeout", Optional.empty(), true, 500,
                provider + " did not answer in time (" + what + ")");
    }

    public static ProviderException connectionFailed(String provider, String detail) {
        return new ProviderException(provider, "upstream_error", "connection_failed", Optional.empty(), true, 500,
                "Could not reach " + provider + ": " + detail);
    }

    public static ProviderException badResponse(String provider, String detail) {
        return new ProviderException(provider, "upstream_error", "bad_response", Optional.empty(), true, 500,
                provider + " sent a response the gateway could not read: " + detail);
    }

    public String provider() {
        return provider;
    }

    /** The provider's Retry-After, when it sent one. */
    public Optional<java.time.Duration> retryAfter() {
        return retryAfter;
    }

    /** Records the provider's Retry-After header (seconds), if it is one. */
    public ProviderException withRetryAfter(Optional<String> header) {
        header.map(String::trim).filter(h -> h.matches("\\d{1,6}")).ifPresent(h -> retryAfter = Optional.of(java.time.Duration.ofSeconds(Long.parseLong(h))));
        return this;
    }

    /** Every target of a request was skipped because its circuit is open. */
    public static ProviderException circuitOpen(String provider, String target) {
        return new ProviderException(provider, "upstream_error", "circuit_open", Optional.empty(), true, 500,
                target + " is failing and is being given a rest; retry shortly");
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }


    public int clientStatus() {
        return clientStatus;
    }

    public ObjectNode envelope() {
        ObjectNode err = Json.object();
        err.put("message", getMessage());
        err.put("type", type);
        err.put("code", code);
        err.put("provider", provider);
        upstreamStatus.ifPresent(s -> err.put("upstream_status", s));
        err.put("retryable", retryable);
        ObjectNode root = Json.object();
        root.set("error", err);
        return root;
    }
}
