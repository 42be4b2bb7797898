package io.hpp.router;

/**
 * A gateway-side error that becomes the simple envelope {@code {"error":code,"message":message}} with this status.
 * Thrown anywhere; turned into a response in one place ({@code http.ErrorResponses}).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
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
