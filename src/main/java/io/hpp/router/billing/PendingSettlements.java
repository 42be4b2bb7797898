package io.hpp.router.billing;

import io.hpp.router.store.Settlement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settlements whose batch failed, and what to do about them. Each round (after a backoff) first asks whether the
 * database answers at all: if not, it is away and everything waits, nothing is blamed. If it answers, the rows are
 * tried again in halves, halves of halves, down to single rows, so that every row that can commit does. A row that
 * fails alone after other settlements committed since it began failing is struck: a row to blame, not a database
 * refusing all writes (a failover to a read-only replica, a full disk: then nothing commits, nothing is struck, and
 * everything waits). After {@value #TRIES_AS_IS} strikes the row is tried with its text cleaned
 * ({@link Settlement#cleaned}), so the charge and the release of its hold still land; if that fails alone too, it is
 * set aside. Not thread-safe: the writer's thread alone uses it.
 */
final class PendingSettlements {
    private static final Logger LOG = LoggerFactory.getLogger(PendingSettlements.class);
    /** Strikes before a row is tried cleaned: two lone failures, so that a passing fault (a deadlock) blames no row. */
    static final int TRIES_AS_IS = 2;
    /** Failed attempts allowed in one round: while every write fails, a round costs this many, not one per row. */
    private static final int FAILURES_PER_ROUND = 64;
    private static final long FIRST_BACKOFF_NANOS = 50_000_000L;
    private static final long MAX_BACKOFF_NANOS = 5_000_000_000L;
    private static final long MAX_BACKOFF_CLOSING_NANOS = 1_000_000_000L;

    /** What the rows are written with. */
    interface Sink {
        /** Commits {@code rows} in one transaction; what it failed with, or empty when they committed. */
        Optional<Throwable> commit(List<Settlement> rows);

        boolean databaseAnswers();

        /** Batches committed so far. */
        long commits();

        void cleaned(Settlement original);

        void setAside(Settlement original, String reason);
    }

    private static final class Row {
        final Settlement original;
        final long commitsAtFirstFailure;
        int strikes;
        String lastFailure;

        Row(Settlement original, long commits, String failure) {
            this.original = original;
            this.commitsAtFirstFailure = commits;
            this.lastFailure = failure;
        }

        Settlement attempt() {
            return strikes >= TRIES_AS_IS ? original.cleaned() : original;
        }
    }

    private final Sink sink;
    private final Set<Row> rows = new LinkedHashSet<>();
    private final int maxPart;
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    private long nextRound;
    private boolean away;
    private boolean lastRoundProgressed;

    PendingSettlements(Sink sink, int maxPart) {
        this.sink = sink;
        this.maxPart = maxPart;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The database did not answer at the last look: new batches wait here instead of being tried one by one. */
    boolean away() {
        return away;
    }

    /**
     * Rows of a batch that failed with {@code failure}. The next round is due at once unless rows were waiting already
     * and the last round got nowhere: then every write is failing, and each new batch must not cost a round.
     */
    void add(List<Settlement> batch, Throwable failure) {
        if (rows.isEmpty() || lastRoundProgressed) {
            nextRound = System.nanoTime();
        }
        long commits = sink.commits();
        for (Settlement s : batch) {
            rows.add(new Row(s, commits, describe(failure)));
        }
    }

    /** Milliseconds until the next round is due (0 when it is). */
    long millisUntilDue() {
        return rows.isEmpty() ? Long.MAX_VALUE : Math.max(0, (nextRound - System.nanoTime()) / 1_000_000);
    }

    /** Runs a round if one is due. */
    void retryIfDue(boolean closing) {
        if (rows.isEmpty() || System.nanoTime() - nextRound < 0) {
            return;
        }
        away = !sink.databaseAnswers();
        if (away) {
            LOG.warn("the database does not answer; {} settlements wait for it", rows.size());
        }
        boolean progress = !away && round();
        lastRoundProgressed = progress;
        long max = closing ? MAX_BACKOFF_CLOSING_NANOS : MAX_BACKOFF_NANOS;
        backoffNanos = progress ? FIRST_BACKOFF_NANOS : Math.min(backoffNanos * 2, max);
        nextRound = System.nanoTime() + Math.min(backoffNanos, max);
    }

    /** Sets every row aside (shutdown, with the database still not taking them). */
    void giveUp(String why) {
        for (Row r : rows) {
            sink.setAside(r.original, why + "; last failure: " + r.lastFailure);
        }
        rows.clear();
    }

    /** One round of halving; true if a row committed, was struck or was set aside. */
    private boolean round() {
        boolean progress = false;
        int failuresLeft = FAILURES_PER_ROUND;
        Deque<List<Row>> work = new ArrayDeque<>();
        List<Row> all = new ArrayList<>(rows);
        for (int i = 0; i < all.size(); i += maxPart) {
            work.add(all.subList(i, Math.min(all.size(), i + maxPart)));
        }
        while (!work.isEmpty() && failuresLeft > 0) {
            List<Row> part = work.poll();
            Optional<Throwable> failure = sink.commit(part.stream().map(Row::attempt).toList());
            if (failure.isEmpty()) {
                done(part);
                progress = true;
            } else if (part.size() == 1) {
                progress |= alone(part.getFirst(), failure.get());
                failuresLeft--;
            } else {
                // breadth first: a part's sibling is tried before its halves, so a row left alone has seen it commit
                work.add(part.subList(0, part.size() / 2));
                work.add(part.subList(part.size() / 2, part.size()));
                failuresLeft--;
            }
        }
        return progress;
    }

    private void done(List<Row> part) {
        for (Row r : part) {
            rows.remove(r);
            if (r.strikes >= TRIES_AS_IS) {
                sink.cleaned(r.original);
            }
        }
    }

    /** A row failed alone; true if it is now to blame. */
    private boolean alone(Row r, Throwable failure) {
        r.lastFailure = describe(failure);
        if (sink.commits() == r.commitsAtFirstFailure) {
            return false;   // nothing has committed since it began failing: no evidence against the row
        }
        r.strikes++;
        if (r.strikes > TRIES_AS_IS) {
            rows.remove(r);
            sink.setAside(r.original, "refused by the database, also with its text cleaned: " + r.lastFailure);
        }
        return true;
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
