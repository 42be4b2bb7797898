package io.hpp.router.store;

import java.util.Objects;

/**
 * A Responses API response the router keeps for its consumer ({@code store: true}): the response object as the client
 * got it and the conversation's input items before it (the stored input of the previous response expanded), both as
 * JSON text. A consumer's prompts: never logged.
 *
 * @param createdAt epoch milliseconds
 * @param expiresAt epoch milliseconds; the sweeper deletes it after
 */
public record StoredResponse(String id, String consumerId, long createdAt, long expiresAt, String input, String response) {
    public StoredResponse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(consumerId, "consumerId");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(response, "response");
    }

    @Override
    public String toString() {
        return "StoredResponse[" + id + " of " + consumerId + "]"; // the content stays out of every log
    }
}
