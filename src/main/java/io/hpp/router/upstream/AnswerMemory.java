package io.hpp.router.upstream;

/**
 * Where a request holds the answer it reads whole (a non-streamed completion), in bytes, until the request ends: the
 * reader asks before it allocates, so the answers in flight stay within the router's memory. A stream's events are
 * relayed as they come and are not held here.
 */
public interface AnswerMemory {
    /** No bound (tests, and readers of small error bodies). */
    AnswerMemory UNBOUNDED = new AnswerMemory() {
        @Override
        public long hold(long bytes) {
            return 0;
        }

        @Override
        public void release(long held) {
        }
    };

    /**
     * Holds {@code bytes} more for this request, waiting for them while other requests hold the rest; throws an
     * {@link io.hpp.router.common.ApiException} ({@code overloaded}) when they do not come in time. Returns what was held
     * (less than asked when one answer is larger than the whole budget), for {@link #release}.
     */
    long hold(long bytes);

    /** Gives back what {@link #hold} returned, for an answer that failed before it was used (a retry reads another). */
    void release(long held);
}
