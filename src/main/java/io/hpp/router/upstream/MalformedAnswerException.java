package io.hpp.router.upstream;

import java.io.IOException;

/**
 * An answer the provider framed or formed so that it cannot be read safely: framing headers that repeat or disagree, a
 * malformed head or chunk, a head or an event beyond its bound. {@link Upstream} turns it into a {@code bad_response}
 * provider failure (the client sees its message, which names no value the provider sent) and its connection is closed.
 */
final class MalformedAnswerException extends IOException {
    MalformedAnswerException(String message) {
        super(message);
    }
}
