package io.hpp.router.http;

import io.hpp.router.ApiException;
import io.hpp.router.provider.AnswerMemory;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bodies held in memory at once, in bytes: requests' bodies, and the answers read whole from providers.
 * <p>
 * A request's body stays in memory (and its tree, when something needed one) for as long as the request runs — a
 * whole stream — so a limit on requests alone does not bound memory: 4,700 conversations of 31 KB (a cold router at
 * 500 streams/s) filled a 320 MiB heap and the router spent the rest of the run in full collections. Past this limit a
 * request gets 503 {@code overloaded} before its body is read.
 * <p>
 * A non-streamed answer (up to 128 MiB from an OpenAI-compatible provider) is read whole and held until it has been
 * written to the client. The provider has already done, and charged for, the work, so an answer waits for room
 * instead of being refused — up to {@code answerWait}, then 503 {@code overloaded}. Answers have their own budget, so a
 * request waiting for answer room never holds back the bodies of the requests it waits for.
 * <p>
 * Either budget: one body larger than all of it takes all of it, so it can still run alone.
 */
final class BodyBudget {
    private final Budget requests;
    private final Budget answers;
    private final Duration answerWait;

    BodyBudget(long requestBytes, long answerBytes, Duration answerWait) {
        this.requests = new Budget(requestBytes, false);
        // first come, first served: a large answer is not passed over by a run of small ones until its wait runs out
        this.answers = new Budget(answerBytes, true);
        this.answerWait = answerWait;
    }

    /** Bytes of request bodies held now (for a gauge). */
    long requestBytesHeld() {
        return requests.held();
    }

    /** Bytes of answers held now (for a gauge). */
    long answerBytesHeld() {
        return answers.held();
    }

    /** What one request holds; released when it ends. */
    Ticket ticket() {
        return new Ticket();
    }

    private record Budget(Semaphore bytes, int limit) {
        Budget(long limit, boolean fair) {
            this(new Semaphore((int) Math.min(limit, Integer.MAX_VALUE), fair), (int) Math.min(limit, Integer.MAX_VALUE));
        }

        String size() {
            return limit >= 1 << 20 ? (limit >> 20) + " MiB" : (limit >> 10) + " KiB";
        }

        long held() {
            return limit - bytes.availablePermits();
        }

        /** What to take of {@code n} more bytes for one request already holding {@code held}: never past the limit. */
        int want(long n, int held) {
            return (int) Math.min(n, limit - held);
        }

        void release(int n) {
            if (n > 0) {
                bytes.release(n);
            }
        }
    }

    final class Ticket implements AnswerMemory, AutoCloseable {
        private int requestBytes;
        private int answerBytes;

        /** Takes {@code n} more bytes of request body for this request, or refuses it with 503. */
        void take(long n) {
            int want = requests.want(n, requestBytes);
            if (want <= 0) {
                return;
            }
            if (!requests.bytes.tryAcquire(want)) {
                throw ApiException.overloaded("The router is holding its limit of " + requests.size()
                        + " of request bodies; retry shortly");
            }
            requestBytes += want;
        }

        @Override
        public long hold(long n) {
            int want = answers.want(n, answerBytes);
            if (want <= 0) {
                return 0;
            }
            try {
                if (!answers.bytes.tryAcquire(want, answerWait.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw ApiException.overloaded("The router held its limit of " + answers.size() + " of answers for "
                            + answerWait.toMillis() + " ms while this answer waited; retry shortly");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.overloaded("The request was interrupted while its answer waited for memory");
            }
            answerBytes += want;
            return want;
        }

        @Override
        public void release(long held) {
            int n = (int) Math.min(held, answerBytes);
            answers.release(n);
            answerBytes -= n;
        }

        @Override
        public void close() {
            requests.release(requestBytes);
            answers.release(answerBytes);
            requestBytes = 0;
            answerBytes = 0;
        }
    }
}
