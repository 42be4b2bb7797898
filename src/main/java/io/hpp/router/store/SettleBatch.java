package io.hpp.router.store;

import io.hpp.router.value.TokenUsage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The writes of one batch of settlements, in the caller's transaction: the log rows first (a row already stored
 * means its settlement was applied before: it is skipped), then one update per
 * consumer, window and key (per budget period), each in id order (concurrent batches on other nodes take the row locks in the same order
 * and cannot deadlock). Every sum is checked: a batch whose totals, or a consumer's totals after it, would pass the
 * range of a 64-bit column fails with {@link StoreException} instead of wrapping around (Java) or turning into a
 * floating-point value (SQLite).
 */
final class SettleBatch {
    private static final String CHARGE = "UPDATE consumers SET used_nanos = used_nanos + ?, reserved_nanos = reserved_nanos - ?, "
            + "requests = requests + ?, total_tokens = total_tokens + ?, auto_requests = auto_requests + ?, "
            + "auto_cost_nanos = auto_cost_nanos + ?, auto_baseline_nanos = auto_baseline_nanos + ? WHERE id = ? "
            + "AND used_nanos BETWEEN ? AND ? AND reserved_nanos BETWEEN ? AND ? AND requests BETWEEN ? AND ? "
            + "AND total_tokens BETWEEN ? AND ? AND auto_requests BETWEEN ? AND ? AND auto_cost_nanos BETWEEN ? AND ? "
            + "AND auto_baseline_nanos BETWEEN ? AND ?";

    /** What the batch adds to one consumer's row. */
    private static final class Totals {
        long cost;
        long released;
        long requests;
        long tokens;
        long autoRequests;
        long autoCost;
        long autoBaseline;
    }

    /** What the batch adds to one key's row, for the requests of one budget period. */
    private static final class KeyTotals {
        long cost;
        long released;
        long requests;
        long tokens;
        long lastUsed;
    }

    private static final String KEY_CHARGE = "UPDATE api_keys SET "
            + "spent_nanos = CASE WHEN period_start = ? THEN spent_nanos + ? WHEN period_start < ? THEN ? ELSE spent_nanos END, "
            + "period_start = CASE WHEN period_start < ? THEN ? ELSE period_start END, reserved_nanos = reserved_nanos - ?, "
            + "spent_total_nanos = spent_total_nanos + ?, requests = requests + ?, total_tokens = total_tokens + ?, "
            + "last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < ? THEN ? ELSE last_used_at END WHERE id = ?";

    /** SQLite: the ids of holds kept in memory, released only after the commit. */
    final List<String> heldInMemory = new ArrayList<>();
    final Set<String> chargedConsumers = new HashSet<>();
    final Set<String> chargedKeys = new HashSet<>();
    /** How many of the batch's settlements were applied (the others' log rows were stored already). */
    int applied;
    private final Map<String, Totals> consumers = new TreeMap<>();
    /** Per key, per budget period (oldest first): a batch at a period's turn has requests of both. */
    private final Map<String, TreeMap<Long, KeyTotals>> keys = new TreeMap<>();
    private final Map<String, Map<Long, Long>> keyWindows = new TreeMap<>();
    private final Map<String, Map<Long, Long>> windows = new TreeMap<>();

    /** Writes {@code batch} in {@code tx}; what the caller must do after the commit is in the result. */
    static SettleBatch write(Jdbc.Tx tx, List<Settlement> batch, boolean holdsInMemory) throws SQLException {
        SettleBatch b = new SettleBatch();
        for (Settlement s : batch) {
            b.add(tx, s, holdsInMemory);
        }
        b.charge(tx);
        for (Map.Entry<String, Map<Long, Long>> w : b.windows.entrySet()) {
            for (Map.Entry<Long, Long> tokens : w.getValue().entrySet()) {
                tx.update("UPDATE rate_windows SET tokens = tokens + ? WHERE consumer_id = ? AND window_start = ?",
                        tokens.getValue(), w.getKey(), tokens.getKey());
            }
        }
        // a key's spend counts in the period its request ended in: added to the row's period, starting a later one, or
        // (a request of a period the row has left behind) in the totals only
        for (Map.Entry<String, TreeMap<Long, KeyTotals>> k : b.keys.entrySet()) {
            for (Map.Entry<Long, KeyTotals> period : k.getValue().entrySet()) {
                long start = period.getKey();
                KeyTotals t = period.getValue();
                tx.update(KEY_CHARGE, start, t.cost, start, t.cost, start, start, t.released, t.cost, t.requests, t.tokens, t.lastUsed,
                        t.lastUsed, k.getKey());
            }
        }
        for (Map.Entry<String, Map<Long, Long>> w : b.keyWindows.entrySet()) {
            for (Map.Entry<Long, Long> tokens : w.getValue().entrySet()) {
                tx.update("UPDATE key_rate_windows SET tokens = tokens + ? WHERE key_id = ? AND window_start = ?",
                        tokens.getValue(), w.getKey(), tokens.getKey());
            }
        }
        return b;
    }

    private void add(Jdbc.Tx tx, Settlement s, boolean holdsInMemory) throws SQLException {
        RequestLogEntry e = s.entry();
        // the log row first: a settlement applied before (a journal replayed, an acknowledgement lost) is skipped whole
        if (RequestLogRows.insert(tx, e) == 0) {
            if (holdsInMemory) {
                s.reservation().ifPresent(r -> heldInMemory.add(r.id()));
            }
            return;
        }
        applied++;
        StatsRollup.markIfLate(tx, e.createdAt().toEpochMilli(), System.currentTimeMillis());
        String consumer = e.consumerId();
        chargedConsumers.add(consumer);
        Totals t = consumers.computeIfAbsent(consumer, id -> new Totals());
        String keyId = e.keyId();
        chargedKeys.add(keyId);
        KeyTotals k = keys.computeIfAbsent(keyId, id -> new TreeMap<>()).computeIfAbsent(s.keyPeriodStart(), p -> new KeyTotals());
        if (s.reservation().isPresent()) {
            Reservation r = s.reservation().get();
            if (holdsInMemory) {
                heldInMemory.add(r.id());
            } else if (tx.update("DELETE FROM reservations WHERE id = ?", r.id()) == 1) {
                // released only if the row is still there: the sweeper may have released it already
                t.released = sum(t.released, r.amount().nanos(), consumer, "holds released");
                if (r.keyId().isPresent()) {
                    keys.computeIfAbsent(r.keyId().get(), id -> new TreeMap<>()).computeIfAbsent(s.keyPeriodStart(), p -> new KeyTotals())
                            .released += r.amount().nanos();
                }
            }
        }
        long tokens = tokens(e.usage(), consumer);
        t.cost = sum(t.cost, e.cost().nanos(), consumer, "cost");
        t.requests = sum(t.requests, 1, consumer, "requests");
        t.tokens = sum(t.tokens, tokens, consumer, "tokens");
        if (e.meta().baselineCost().isPresent()) {
            t.autoRequests = sum(t.autoRequests, 1, consumer, "auto requests");
            t.autoCost = sum(t.autoCost, e.cost().nanos(), consumer, "auto cost");
            t.autoBaseline = sum(t.autoBaseline, e.meta().baselineCost().get().nanos(), consumer, "auto baseline");
        }
        if (s.rateWindow().isPresent() && tokens > 0) {
            windows.computeIfAbsent(consumer, id -> new TreeMap<>())
                    .merge(s.rateWindow().get(), tokens, (a, b) -> sum(a, b, consumer, "window tokens"));
        }
        k.cost = sum(k.cost, e.cost().nanos(), consumer, "key cost");
        k.requests++;
        k.tokens = sum(k.tokens, tokens, consumer, "key tokens");
        k.lastUsed = Math.max(k.lastUsed, e.createdAt().toEpochMilli());
        if (s.keyRateWindow().isPresent() && tokens > 0) {
            keyWindows.computeIfAbsent(keyId, id -> new TreeMap<>())
                    .merge(s.keyRateWindow().get(), tokens, (a, b) -> sum(a, b, consumer, "key window tokens"));
        }
    }

    /** One update per consumer, applied only where no column would leave the 64-bit range. */
    private void charge(Jdbc.Tx tx) throws SQLException {
        for (Map.Entry<String, Totals> c : consumers.entrySet()) {
            Totals t = c.getValue();
            List<Object> params = new ArrayList<>(List.of(t.cost, t.released, t.requests, t.tokens, t.autoRequests, t.autoCost,
                    t.autoBaseline, c.getKey()));
            for (long delta : new long[] {t.cost, -t.released, t.requests, t.tokens, t.autoRequests, t.autoCost, t.autoBaseline}) {
                params.add(delta < 0 ? Long.MIN_VALUE - delta : Long.MIN_VALUE);
                params.add(delta > 0 ? Long.MAX_VALUE - delta : Long.MAX_VALUE);
            }
            if (tx.update(CHARGE, params.toArray()) == 0
                    && !tx.query("SELECT id FROM consumers WHERE id = ?", rs -> rs.getString(1), c.getKey()).isEmpty()) {
                throw new StoreException("settling would overflow the totals of consumer " + c.getKey());
            }
        }
    }

    /** The request's tokens, summed exactly (TokenUsage's own sum is unchecked; counts come from providers). */
    private static long tokens(TokenUsage u, String consumer) {
        return sum(sum(u.input(), u.output(), consumer, "tokens"), sum(u.cacheWrite(), u.cacheRead(), consumer, "tokens"), consumer, "tokens");
    }

    private static long sum(long a, long b, String consumer, String what) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new StoreException("settling would overflow the " + what + " of consumer " + consumer + " in one batch");
        }
    }
}
