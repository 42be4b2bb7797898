package io.hpp.router.common;

/**
 * A gateway-side error that becomes the simple envelope {@code {"error":code,"message":message}} with this status.
 * Thrown anywhere; turned into a response in one place ({@code http.ErrorResponses}).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final java.util.Optional<Long> retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, java.util.Optional.empty());
    }

    private ApiException(int status, String code, String message, java.util.Optional<Long> retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429 {@code rate_limited}, sent with {@code Retry-After}. */
    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        return new ApiException(429, "rate_limited", message, java.util.Optional.of(retryAfterSeconds));
    }

    /** The router is at its limit of requests in flight: shed load with a short Retry-After instead of falling over. */
    public static ApiException overloaded(int limit) {
        return overloaded("The router is handling its limit of " + limit + " requests; retry shortly");
    }

    /** 503 {@code overloaded} with {@code Retry-After: 1}, for a limit the message names. */
    public static ApiException overloaded(String message) {
        return new ApiException(503, "overloaded", message, java.util.Optional.of(1L));
    }

    public java.util.Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "Invalid API key");
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
