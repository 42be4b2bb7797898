package io.hpp.router.billing;

import io.hpp.router.common.Background;
import io.hpp.router.observe.AccessLog;
import io.hpp.router.observe.Metrics;
import io.hpp.router.observe.StderrAppender;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles requests off the response path: a queue drained by one thread in batches, each batch one transaction.
 * A failed batch waits in {@link PendingSettlements}, which tells a database that is away (everything waits, nothing
 * is dropped) from a row the database refuses (it is tried alone, then cleaned, then set aside in the
 * {@link SetAsideFile}), while later batches go on committing. The thread survives anything thrown at it. close()
 * writes everything it can before it returns, and sets aside what the database would still not take.
 */
public final class SettlementWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SettlementWriter.class);
    private static final int MAX_BATCH = 512;
    /**
     * How long the writer lets settlements gather after the first of a batch arrives: one commit then covers many
     * requests, while a hold is released (and the access line written) at most this much later. Measured at 1,000
     * req/s on SQLite (the writer thread's CPU time from /proc): 81 µs per request with 4 ms, 44 µs with 20 ms; with
     * 50 ms the writer's ticks fell by a third again (53, 54 → 36, 35 over the same runs of bench/threads.sh).
     */
    private static final long LINGER_NANOS = 50_000_000;
    /** After close(), how long settlements the database does not take are tried before they are set aside. */
    private static final long SHUTDOWN_GRACE_NANOS = 5_000_000_000L;

    private final Store store;
    private final Consumer<List<Settlement>> afterCommit;
    private final LinkedBlockingQueue<Settlement> queue = new LinkedBlockingQueue<>();
    private final AtomicLong begun = new AtomicLong();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread worker;
    private final Metrics metrics;
    private final Function<String, String> providerOfModel;
    private final SetAsideFile setAside;
    private final java.util.Optional<SettlementJournal> journal;
    private final PendingSettlements pending;
    private long commits;
    private volatile boolean closing;
    private volatile long closedAt;

    /**
     * @param providerOfModel the provider of a resolved model id, for the metrics' provider label
     * @param setAside        where settlements the database refuses are kept for an operator
     */
    public SettlementWriter(Store store, Consumer<List<Settlement>> afterCommit, Metrics metrics, Function<String, String> providerOfModel,
                            SetAsideFile setAside) {
        this(store, afterCommit, metrics, providerOfModel, setAside, Optional.empty());
    }

    /** @param journal where each settlement is recorded before its request's answer is finished (see {@link #submit}) */
    public SettlementWriter(Store store, Consumer<List<Settlement>> afterCommit, Metrics metrics, Function<String, String> providerOfModel,
                            SetAsideFile setAside, Optional<SettlementJournal> journal) {
        this.journal = journal;
        this.store = store;
        this.afterCommit = afterCommit;
        this.metrics = metrics;
        this.providerOfModel = providerOfModel;
        this.setAside = setAside;
        this.pending = new PendingSettlements(new Sink(), MAX_BATCH);
        metrics.gauge("hpp_request_log_queue_depth", "Settlements waiting to be written", queue::size);
        this.worker = Thread.ofPlatform().name("hpp-request-log").daemon(true).start(this::run);
    }

    /** A request started that will {@link #submit} its settlement; {@link #flush} waits for it. */
    public void begin() {
        begun.incrementAndGet();
    }

    /**
     * Records the settlement in the journal, then queues it; one per request, whether or not it called {@link #begin}.
     * True when the settlement survives the death of this process from now on (it is in the journal, or there is no
     * journal to keep): only then may the request's answer be finished. It is queued either way.
     */
    public boolean submit(Settlement s) {
        boolean recorded = journal.map(j -> j.append(s)).orElse(true);
        enqueued.incrementAndGet();
        AccessLog.pipeline(s.entry());   // before the queue: the batch that settles it flushes its line
        queue.add(s);
        // the provider of the deployment that served it, when the request names one (a model may have several)
        metrics.settled(s.entry(), s.entry().meta().deployment().map(d -> d.substring(0, Math.max(0, d.indexOf(':'))))
                .filter(p -> !p.isEmpty()).or(() -> s.entry().resolvedModel().map(providerOfModel)).orElse("none"));
        return recorded;
    }

    /** Why settlements cannot be recorded now (the journal cannot be written), if they cannot. */
    public Optional<String> unrecordable() {
        return journal.flatMap(SettlementJournal::failure);
    }

    /** Waits until every request begun or submitted so far is written or set aside (tests and shutdown). */
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
        while (!closing || !queue.isEmpty() || !pending.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    gather(batch);
                }
                if (!batch.isEmpty()) {
                    settle(batch);
                    batch.clear();   // only once committed or handed to pending: a throwable before keeps the batch
                }
                pending.retryIfDue(closing);
                if (closing && queue.isEmpty() && !pending.isEmpty() && System.nanoTime() - closedAt > SHUTDOWN_GRACE_NANOS) {
                    pending.giveUp("not written before shutdown");
                }
            } catch (InterruptedException e) {
                closing = true;
            } catch (Throwable t) {
                Background.report("settling requests", t);
                LockSupport.parkNanos(10_000_000);   // whatever failed, not in a hot loop
            }
        }
    }

    private void gather(List<Settlement> batch) throws InterruptedException {
        Settlement first = queue.poll(Math.min(100, pending.millisUntilDue()), TimeUnit.MILLISECONDS);
        if (first == null) {
            return;
        }
        batch.add(first);
        if (!closing && queue.size() < MAX_BATCH - 1) {
            LockSupport.parkNanos(LINGER_NANOS);
        }
        queue.drainTo(batch, MAX_BATCH - 1);
    }

    private void settle(List<Settlement> batch) {
        List<Settlement> rows = List.copyOf(batch);
        if (pending.away()) {
            pending.add(rows, new IllegalStateException("the database did not answer"));
            return;
        }
        Optional<Throwable> failure = commit(rows);
        if (failure.isPresent()) {
            LOG.warn("settling {} requests failed, trying again: {}", rows.size(), failure.get().getMessage());
            pending.add(rows, failure.get());
        }
    }

    private Optional<Throwable> commit(List<Settlement> rows) {
        long t0 = System.nanoTime();
        try {
            store.settle(rows);
        } catch (Throwable t) {
            return Optional.of(t);
        }
        long nanos = System.nanoTime() - t0;
        commits++;
        // after the commit nothing may fail the batch: retrying committed rows would charge them twice
        Background.guarded("finishing the journal lines of " + rows.size() + " requests",
                () -> journal.ifPresent(j -> rows.forEach(j::finished))).run();
        written.addAndGet(rows.size());   // after the journal: a flush() that returns finds their lines finished
        Background.guarded("after settling " + rows.size() + " requests", () -> {
            metrics.logWrite(nanos, rows.size());
            StderrAppender.flushAll();
            afterCommit.accept(rows);
        }).run();
        return Optional.empty();
    }

    /** How {@link PendingSettlements} writes, counts and sets aside. */
    private final class Sink implements PendingSettlements.Sink {
        @Override
        public Optional<Throwable> commit(List<Settlement> rows) {
            return SettlementWriter.this.commit(rows);
        }

        @Override
        public boolean databaseAnswers() {
            try {
                store.ping();
                return true;
            } catch (Throwable t) {
                return false;
            }
        }

        @Override
        public long commits() {
            return commits;
        }

        @Override
        public void cleaned(Settlement original) {
            Background.guarded("counting a cleaned settlement", metrics::settlementCleaned).run();
            LOG.warn("settlement of request {} (consumer {}) was written with its text cleaned: the database refused it as it was",
                    original.entry().id(), original.entry().consumerId());
        }

        /** Never throws: the row has left the pending set, and flush() counts it as done. */
        @Override
        public void setAside(Settlement original, String reason) {
            Background.guarded("setting a settlement aside", () -> {
                setAside.append(original, reason);
                journal.ifPresent(j -> j.finished(original));
                metrics.settlementSetAside();
                StderrAppender.flushAll();
                // its hold is left to expire (the sweeper releases it), as for a request whose node crashed
                LOG.error("settlement of request {} (consumer {}, cost {}) set aside in {}: {}", original.entry().id(),
                        original.entry().consumerId(), original.entry().cost(), setAside.path(), reason);
            }).run();
            written.incrementAndGet();   // last: a flush() that returns sees the file and the metric
        }
    }

    @Override
    public void close() {
        closedAt = System.nanoTime();
        closing = true;
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
