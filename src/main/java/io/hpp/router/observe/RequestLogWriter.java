package io.hpp.router.observe;

import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles requests off the response path: a queue drained by one thread in batches, each batch one transaction.
 * A failed batch is retried until it lands (the database being down delays settlement, it never drops it); close()
 * drains everything before it returns.
 */
public final class RequestLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogWriter.class);
    private static final int MAX_BATCH = 512;
    /**
     * How long the writer lets settlements gather after the first of a batch arrives: one commit then covers many
     * requests, while a hold is released (and the access line written) at most this much later. Measured at 1,000
     * req/s on SQLite (the writer thread's CPU time from /proc): 81 µs per request with 4 ms, 44 µs with 20 ms; with
     * 50 ms the writer's ticks fell by a third again (53, 54 → 36, 35 over the same runs of bench/threads.sh).
     */
    private static final long LINGER_NANOS = 50_000_000;

    private final Store store;
    private final Consumer<List<Settlement>> afterCommit;
    private final LinkedBlockingQueue<Settlement> queue = new LinkedBlockingQueue<>();
    private final AtomicLong begun = new AtomicLong();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread worker;
    private volatile boolean closing;

    private final Metrics metrics;
    private final java.util.function.Function<String, String> providerOfModel;

    /**
     * @param providerOfModel the provider of a resolved model id, for the metrics' provider label
     */
    public RequestLogWriter(Store store, Consumer<List<Settlement>> afterCommit, Metrics metrics,
                            java.util.function.Function<String, String> providerOfModel) {
        this.store = store;
        this.afterCommit = afterCommit;
        this.metrics = metrics;
        this.providerOfModel = providerOfModel;
        metrics.gauge("hpp_request_log_queue_depth", "Settlements waiting to be written", queue::size);
        this.worker = Thread.ofPlatform().name("hpp-request-log").daemon(true).start(this::run);
    }

    /** A request started that will {@link #submit} its settlement; {@link #flush} waits for it. */
    public void begin() {
        begun.incrementAndGet();
    }

    /** Queues a settlement; one per request, whether or not it called {@link #begin}. */
    public void submit(Settlement s) {
        enqueued.incrementAndGet();
        AccessLog.pipeline(s.entry());   // before the queue: the batch that settles it flushes its line
        queue.add(s);
        metrics.settled(s.entry(), s.entry().resolvedModel().map(providerOfModel).orElse("none"));
    }

    /** Waits until every request begun or submitted so far is written (tests and shutdown). */
    public boolean flush(long timeoutMillis) {
        long target = Math.max(enqueued.get(), begun.get());
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (written.get() < target) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void run() {
        List<Settlement> batch = new ArrayList<>(MAX_BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                Settlement first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (!closing && queue.size() < MAX_BATCH - 1) {
                    LockSupport.parkNanos(LINGER_NANOS);
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                writeUntilDone(batch);
                batch.clear();
            } catch (InterruptedException e) {
                closing = true;
            }
        }
    }

    private void writeUntilDone(List<Settlement> batch) {
        long backoff = 50;
        while (true) {
            try {
                long t0 = System.nanoTime();
                store.settle(batch);
                metrics.logWrite(System.nanoTime() - t0, batch.size());
                written.addAndGet(batch.size());
                StderrAppender.flushAll();
                afterCommit.accept(batch);
                return;
            } catch (RuntimeException e) {
                LOG.warn("settling {} requests failed, retrying in {} ms: {}", batch.size(), backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    closing = true;
                }
                backoff = Math.min(backoff * 2, 5_000);
                if (closing && backoff >= 5_000) {
                    LOG.error("giving up on {} settlements at shutdown: {}", batch.size(), batch);
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
