package io.hpp.router.store;

import io.hpp.router.billing.Money;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SQLite: quota holds kept in memory. An embedded database has one router process (see {@code ServeLock}), so the
 * holds of requests in flight need no table: a crash loses them together with the requests they were for, and there
 * is nothing to sweep after a restart. The balance itself (quota and used) stays in the database, so a top-up or a
 * change made by the CLI counts at once.
 *
 * <p>Holds have their own lock and their own read connection: a request's hold never waits for the writer's commit
 * (in WAL mode a read sees every commit that finished before it began). It stays exact because a settled request's
 * hold is released only after the commit that charged it: a hold check that no longer sees the released hold starts
 * its read after that commit, so it sees the charge; one that still sees the hold counts it, at worst, twice.
 * {@link #reserved} may be read without the lock.
 */
final class LocalHolds implements AutoCloseable {
    private static final String BALANCE = "SELECT quota_nanos - used_nanos FROM consumers WHERE id = ?";

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Reservation> byId = new HashMap<>();
    private final ConcurrentHashMap<String, Long> reservedByConsumer = new ConcurrentHashMap<>();
    private final LongLivedConnection reader;

    /** @param opener opens the read connection (again after an error) */
    LocalHolds(LongLivedConnection.Opener opener) {
        this.reader = new LongLivedConnection(opener);
    }

    /** Holds {@code r} if the consumer's balance less its holds covers {@code mustRemain}. */
    boolean tryHold(Reservation r, Money mustRemain) {
        lock.lock();
        try {
            long held = reservedByConsumer.getOrDefault(r.consumerId(), 0L);
            List<Long> remaining = reader.tx().query(BALANCE, rs -> rs.getLong(1), r.consumerId());
            if (remaining.isEmpty() || remaining.getFirst() - held < mustRemain.nanos()) {
                return false;
            }
            byId.put(r.id(), r);
            reservedByConsumer.merge(r.consumerId(), r.amount().nanos(), Long::sum);
            return true;
        } catch (SQLException e) {
            reader.reset();
            throw new StoreException("quota hold failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Drops holds; call only after the commit that charged their requests. */
    void release(List<String> reservationIds) {
        lock.lock();
        try {
            reservationIds.forEach(this::releaseOne);
        } finally {
            lock.unlock();
        }
    }

    /** Drops holds that expired before {@code now}; how many. */
    int releaseExpired(Instant now) {
        lock.lock();
        try {
            List<String> expired = new ArrayList<>();
            byId.forEach((id, r) -> {
                if (r.expiresAt().isBefore(now)) {
                    expired.add(id);
                }
            });
            expired.forEach(this::releaseOne);
            return expired.size();
        } finally {
            lock.unlock();
        }
    }

    Money reserved(String consumerId) {
        return new Money(reservedByConsumer.getOrDefault(consumerId, 0L));
    }

    private void releaseOne(String reservationId) {
        Reservation r = byId.remove(reservationId);
        if (r != null) {
            reservedByConsumer.computeIfPresent(r.consumerId(), (id, held) -> held == r.amount().nanos() ? null : held - r.amount().nanos());
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            reader.reset();
        } finally {
            lock.unlock();
        }
    }
}
