package io.hpp.router.provider;

/**
 * Where a request holds the answer it reads whole (a non-streamed completion), in bytes, until the request ends: the
 * reader asks before it allocates, so the answers in flight stay within the router's memory. A stream's events are
 * relayed as they come and are not held here.
 */
@FunctionalInterface
public interface AnswerMemory {
    /** No bound (tests, and readers of small error bodies). */
    AnswerMemory UNBOUNDED = bytes -> {
    };

    /**
     * Holds {@code bytes} more for this request, waiting for them while other requests hold the rest; throws an
     * {@link io.hpp.router.ApiException} ({@code overloaded}) when they do not come in time.
     */
    void hold(long bytes);
}
