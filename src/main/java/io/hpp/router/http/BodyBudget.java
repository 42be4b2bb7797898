package io.hpp.router.http;

import io.hpp.router.ApiException;
import java.util.concurrent.Semaphore;

/**
 * The request bodies held in memory at once, in bytes. A request's body stays in memory (and its tree, when something
 * needed one) for as long as the request runs — a whole stream — so a limit on requests alone does not bound
 * memory: 4,700 conversations of 31 KB (a cold router at 500 streams/s) filled a 320 MiB heap and the router spent
 * the rest of the run in full collections. Past this limit a request gets 503 {@code overloaded} before its body is
 * read.
 */
final class BodyBudget {
    private final Semaphore bytes;
    private final int limit;

    BodyBudget(long limitBytes) {
        this.limit = (int) Math.min(limitBytes, Integer.MAX_VALUE);
        this.bytes = new Semaphore(limit);
    }

    /** What one request holds; released when it ends. */
    Ticket ticket() {
        return new Ticket();
    }

    final class Ticket implements AutoCloseable {
        private int held;

        /**
         * Takes {@code n} more bytes for this request, or refuses it with 503. A body larger than the whole budget
         * takes all of it, so it can still run alone.
         */
        void take(long n) {
            int want = (int) Math.min(n, limit - held);
            if (want <= 0) {
                return;
            }
            if (!bytes.tryAcquire(want)) {
                throw ApiException.overloaded("The router is holding its limit of " + (limit >= 1 << 20 ? (limit >> 20) + " MiB"
                        : (limit >> 10) + " KiB") + " of request bodies; retry shortly");
            }
            held += want;
        }

        @Override
        public void close() {
            if (held > 0) {
                bytes.release(held);
                held = 0;
            }
        }
    }
}
