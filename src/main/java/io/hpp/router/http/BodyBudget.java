package io.hpp.router.http;

import io.hpp.router.common.ApiException;
import io.hpp.router.upstream.AnswerMemory;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bodies held in memory at once, in bytes: requests' bodies, and the answers read whole from providers.
 * <p>
 * A request's body stays in memory (and its tree, when something needed one) for as long as the request runs — a
 * whole stream — so a limit on requests alone does not bound memory: 4,700 conversations of 31 KB (a cold router at
 * 500 streams/s) filled a 320 MiB heap and the router spent the rest of the run in full collections. Past this limit a
 * request gets 503 {@code overloaded} while its body is read, before anything else is done with it.
 * <p>
 * A non-streamed answer (up to 128 MiB from an OpenAI-compatible provider) is read whole and held until it has been
 * written to the client. The provider has already done, and charged for, the work, so an answer waits for room
 * instead of being refused — up to {@code answerWait}, then 503 {@code overloaded}. Answers have their own budget, so a
 * request waiting for answer room never holds back the bodies of the requests it waits for.
 * <p>
 * Either budget: one body larger than all of it takes all of it, so it can still run alone.
 * <p>
 * Request bytes are taken as the body is read, chunk by chunk ({@link Requests#body}), never from the length a client
 * announces: 8 connections announcing 16 MiB and sending one byte each used to hold the whole budget. And the requests
 * of one consumer hold at most {@code consumerShare} of it while another of its requests holds some (one body larger
 * than the share still runs alone); past that, 429 {@code rate_limited}, so that one key cannot keep the others out.
 */
final class BodyBudget {
    private final Budget requests;
    private final Shares shares;
    private final Budget answers;
    private final Duration answerWait;

    BodyBudget(long requestBytes, long consumerShare, long answerBytes, Duration answerWait) {
        this.requests = new Budget(requestBytes, false);
        this.shares = new Shares((int) Math.min(consumerShare, Integer.MAX_VALUE));
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
            return BodyBudget.size(limit);
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

    static String size(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** Request-body bytes held per consumer; an entry lives while its consumer's requests hold bytes. */
    private record Shares(ConcurrentHashMap<String, Integer> held, int limit) {
        Shares(int limit) {
            this(new ConcurrentHashMap<>(), limit);
        }

        /** Takes {@code n} for {@code consumer}, whose request holds {@code mine}; refused when others hold some and it would pass the limit. */
        boolean tryTake(String consumer, int n, int mine) {
            boolean[] taken = new boolean[1];
            held.compute(consumer, (c, h) -> {
                int now = h == null ? 0 : h;
                if (now > mine && now + n > limit) {
                    return h;
                }
                taken[0] = true;
                return now + n;
            });
            return taken[0];
        }

        void release(String consumer, int n) {
            if (n > 0) {
                held.computeIfPresent(consumer, (c, h) -> h <= n ? null : h - n);
            }
        }
    }

    final class Ticket implements AnswerMemory, AutoCloseable {
        private int requestBytes;
        private int answerBytes;
        private String consumer;
        private int consumerBytes;

        /** The consumer this request's body counts against (known once its key is checked, before the body is read). */
        void consumer(String consumerId) {
            if (consumer == null) {
                consumer = consumerId;
            }
        }

        /**
         * Takes {@code n} more bytes of request body for this request, or refuses it: 503 when the router holds its
         * budget, 429 when it has room but this consumer's other requests hold the consumer's share.
         */
        void take(long n) {
            int want = Math.max(0, requests.want(n, requestBytes));
            if (want > 0 && !requests.bytes.tryAcquire(want)) {
                throw ApiException.overloaded("The router is holding its limit of " + requests.size()
                        + " of request bodies; retry shortly");
            }
            int share = consumer == null ? 0 : (int) Math.max(0, Math.min(n, shares.limit() - consumerBytes));
            if (share > 0 && !shares.tryTake(consumer, share, consumerBytes)) {
                requests.release(want);
                throw ApiException.rateLimited("This consumer's requests hold their share of " + size(shares.limit())
                        + " of request bodies in flight; retry shortly", 1);
            }
            requestBytes += want;
            consumerBytes += share;
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
            if (consumer != null) {
                shares.release(consumer, consumerBytes);
            }
            requestBytes = 0;
            answerBytes = 0;
            consumerBytes = 0;
        }
    }
}
