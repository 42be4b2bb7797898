package io.hpp.router.store;

import io.hpp.router.billing.Money;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQLite: quota holds kept in memory. An embedded database has one router process (see {@code ServeLock}), so the
 * holds of requests in flight need no table: a crash loses them together with the requests they were for, and there
 * is nothing to sweep after a restart. The balance itself (quota and used) stays in the database, read under the
 * write lock, so a top-up or a change made by the CLI counts at once. Every change happens under
 * {@link SqliteWriter}'s lock; {@link #reserved} may be read without it.
 */
final class LocalHolds {
    private final Map<String, Reservation> byId = new HashMap<>();
    private final ConcurrentHashMap<String, Long> reservedByConsumer = new ConcurrentHashMap<>();

    /** Holds {@code r} if the consumer's balance less its holds covers {@code mustRemain}; call under the write lock. */
    boolean tryHold(Jdbc.Tx tx, Reservation r, Money mustRemain) throws SQLException {
        List<Long> remaining = tx.query("SELECT quota_nanos - used_nanos FROM consumers WHERE id = ?", rs -> rs.getLong(1), r.consumerId());
        if (remaining.isEmpty()) {
            return false;
        }
        long available = remaining.getFirst() - reservedByConsumer.getOrDefault(r.consumerId(), 0L);
        if (available < mustRemain.nanos()) {
            return false;
        }
        byId.put(r.id(), r);
        reservedByConsumer.merge(r.consumerId(), r.amount().nanos(), Long::sum);
        return true;
    }

    /** Drops a hold; the amount released, or zero when it was already gone (expired); call under the write lock. */
    long release(String reservationId) {
        Reservation r = byId.remove(reservationId);
        if (r == null) {
            return 0;
        }
        reservedByConsumer.computeIfPresent(r.consumerId(), (id, held) -> held == r.amount().nanos() ? null : held - r.amount().nanos());
        return r.amount().nanos();
    }

    /** Drops holds that expired before {@code now}; how many; call under the write lock. */
    int releaseExpired(Instant now) {
        List<String> expired = new ArrayList<>();
        byId.forEach((id, r) -> {
            if (r.expiresAt().isBefore(now)) {
                expired.add(id);
            }
        });
        expired.forEach(this::release);
        return expired.size();
    }

    Money reserved(String consumerId) {
        return new Money(reservedByConsumer.getOrDefault(consumerId, 0L));
    }
}
