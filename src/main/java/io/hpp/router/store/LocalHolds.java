package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SQLite: quota holds kept in memory. An embedded database has one router process (see {@code ServeLock}), so the
 * holds of requests in flight need no table: a crash loses them together with the requests they were for, and there
 * is nothing to sweep after a restart. The balance itself (quota and used) stays in the database.
 *
 * <p>Holds have their own lock and their own read connection: a request's hold never waits for the writer's commit
 * (in WAL mode a read sees every commit that finished before it began). It stays exact because a settled request's
 * hold is released only after the commit that charged it: a hold check that no longer sees the released hold starts
 * its read after that commit, so it sees the charge; one that still sees the hold counts it, at worst, twice.
 *
 * <p>The balance read is remembered per consumer until something in this process changes it: the release after a
 * settlement commit, or an admin change ({@link #forget}). Then the next hold reads again, which sees the commit, so
 * the same argument holds: at 1,000 requests a second for one consumer that is one read per settlement batch instead
 * of one per request. A change made by another process (the CLI) is seen when the remembered balance is
 * {@link #MAX_AGE_NANOS} old. {@link #reserved} may be read without the lock.
 *
 * <p>A key with a budget is held the same way, in the same step: its budget and its spend in the period are
 * remembered until a settlement charges the key or its settings change ({@link #forgetKey}).
 */
final class LocalHolds implements AutoCloseable {
    private static final String BALANCE = "SELECT quota_nanos - used_nanos FROM consumers WHERE id = ?";
    private static final String KEY_BUDGET = "SELECT budget_nanos, spent_nanos, period_start FROM api_keys WHERE id = ?";
    /** How long a balance read is trusted when nothing in this process changed it: the CLI's changes count after it. */
    static final long MAX_AGE_NANOS = 2_000_000_000L;

    private record Balance(long remaining, long readAt) {
    }

    /** A key's budget as read: no budget (unlimited), and the spend of the period that starts at periodStart. */
    private record KeyBudget(Long budget, long spent, long periodStart, long readAt) {
        /** What is left of the budget in the period that starts at {@code current}. */
        long left(long current) {
            return budget - (periodStart < current ? 0 : spent);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Reservation> byId = new HashMap<>();
    private final ConcurrentHashMap<String, Long> reservedByConsumer = new ConcurrentHashMap<>();
    private final Map<String, Balance> balances = new HashMap<>();
    private final ConcurrentHashMap<String, Long> reservedByKey = new ConcurrentHashMap<>();
    private final Map<String, KeyBudget> keyBudgets = new HashMap<>();
    private final LongLivedConnection reader;
    private final long maxAgeNanos;

    /** @param opener opens the read connection (again after an error) */
    LocalHolds(LongLivedConnection.Opener opener) {
        this(opener, MAX_AGE_NANOS);
    }

    LocalHolds(LongLivedConnection.Opener opener, long maxAgeNanos) {
        this.reader = new LongLivedConnection(opener);
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * Holds {@code r} if the consumer's balance less its holds covers {@code mustRemain}, and, for a hold that names a
     * key, the key's budget left in the period less the key's holds does too.
     */
    boolean tryHold(Reservation r, Money mustRemain) {
        lock.lock();
        try {
            long held = reservedByConsumer.getOrDefault(r.consumerId(), 0L);
            Balance balance = balance(r.consumerId());
            if (balance == null || !covers(balance.remaining(), held, mustRemain.nanos())) {
                return false;
            }
            long keyHeldAfter = 0;
            if (r.keyId().isPresent()) {
                long keyHeld = reservedByKey.getOrDefault(r.keyId().get(), 0L);
                KeyBudget budget = keyBudget(r.keyId().get());
                if (budget == null || budget.budget() != null && !covers(budget.left(r.periodStart()), keyHeld, mustRemain.nanos())) {
                    return false;
                }
                keyHeldAfter = Math.addExact(keyHeld, r.amount().nanos());
            }
            long heldAfter = Math.addExact(held, r.amount().nanos());
            byId.put(r.id(), r);
            reservedByConsumer.put(r.consumerId(), heldAfter);
            if (r.keyId().isPresent()) {
                reservedByKey.put(r.keyId().get(), keyHeldAfter);
            }
            return true;
        } catch (ArithmeticException e) {
            return false;   // holds past the range of a long cover nothing more
        } catch (SQLException e) {
            reader.reset();
            throw new StoreException("quota hold failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** The key's budget, remembered or read; null for an unknown key. Under the lock. */
    private KeyBudget keyBudget(String keyId) throws SQLException {
        long now = System.nanoTime();
        KeyBudget known = keyBudgets.get(keyId);
        if (known != null && now - known.readAt() < maxAgeNanos) {
            return known;
        }
        List<KeyBudget> read = reader.tx().query(KEY_BUDGET, rs -> new KeyBudget(Jdbc.optLong(rs, "budget_nanos").orElse(null),
                rs.getLong("spent_nanos"), rs.getLong("period_start"), now), keyId);
        if (read.isEmpty()) {
            keyBudgets.remove(keyId);
            return null;
        }
        keyBudgets.put(keyId, read.getFirst());
        return read.getFirst();
    }

    /** remaining − held ≥ need, exactly: a difference below the range of a long (held is never negative) covers nothing. */
    static boolean covers(long remaining, long held, long need) {
        try {
            return Math.subtractExact(remaining, held) >= need;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** The consumer's quota less used, remembered or read; null for an unknown consumer. Under the lock. */
    private Balance balance(String consumerId) throws SQLException {
        long now = System.nanoTime();
        Balance known = balances.get(consumerId);
        if (known != null && now - known.readAt() < maxAgeNanos) {
            return known;
        }
        List<Long> remaining = reader.tx().query(BALANCE, rs -> rs.getLong(1), consumerId);
        if (remaining.isEmpty()) {
            balances.remove(consumerId);
            return null;
        }
        Balance read = new Balance(remaining.getFirst(), now);
        balances.put(consumerId, read);
        return read;
    }

    /**
     * Drops holds and the remembered balances of the consumers charged; call only after the commit that charged their
     * requests (the next hold reads the balance again and sees the charge).
     */
    void release(List<String> reservationIds, Collection<String> chargedConsumers, Collection<String> chargedKeys) {
        lock.lock();
        try {
            reservationIds.forEach(this::releaseOne);
            chargedConsumers.forEach(balances::remove);
            chargedKeys.forEach(keyBudgets::remove);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a consumer's remembered balance; call after committing a change to its quota or use. */
    void forget(String consumerId) {
        lock.lock();
        try {
            balances.remove(consumerId);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a key's remembered budget; call after committing a change to its settings. */
    void forgetKey(String keyId) {
        lock.lock();
        try {
            keyBudgets.remove(keyId);
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

    /** How many holds this process keeps now, and their sum. */
    JdbcStats.Held totals() {
        lock.lock();
        try {
            long sum = 0;
            for (Reservation r : byId.values()) {
                sum = Math.addExact(sum, r.amount().nanos());
            }
            return new JdbcStats.Held(byId.size(), new Money(sum));
        } finally {
            lock.unlock();
        }
    }

    Money reserved(String consumerId) {
        return new Money(reservedByConsumer.getOrDefault(consumerId, 0L));
    }

    Money keyReserved(String keyId) {
        return new Money(reservedByKey.getOrDefault(keyId, 0L));
    }

    private void releaseOne(String reservationId) {
        Reservation r = byId.remove(reservationId);
        if (r != null) {
            reservedByConsumer.computeIfPresent(r.consumerId(), (id, held) -> held == r.amount().nanos() ? null : held - r.amount().nanos());
            r.keyId().ifPresent(k -> reservedByKey.computeIfPresent(k, (id, held) -> held == r.amount().nanos() ? null : held - r.amount().nanos()));
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            balances.clear();
            keyBudgets.clear();
            reader.reset();
        } finally {
            lock.unlock();
        }
    }
}
