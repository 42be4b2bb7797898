package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code api_keys} half of {@link JdbcStore}: keys, their settings, rotation and spend. */
final class JdbcKeys {
    private final Jdbc jdbc;
    private final Optional<LocalHolds> localHolds;

    JdbcKeys(Jdbc jdbc, Optional<LocalHolds> localHolds) {
        this.jdbc = jdbc;
        this.localHolds = localHolds;
    }

    private static final String KEY_COLUMNS = "id, consumer_id, secret_hash, name, created_at, revoked_at, expires_at, budget_nanos, "
            + "budget_period, allowed_models, rate_rpm, rate_tpm, disabled, metadata, previous_secret_hash, previous_secret_until";
    private static final String SPEND_COLUMNS = "id, period_start, spent_nanos, reserved_nanos, spent_total_nanos, requests, "
            + "total_tokens, last_used_at";

    void createKey(ApiKeyRecord key) {
        KeySettings s = key.settings();
        long now = key.createdAt().toEpochMilli();
        jdbc.update("INSERT INTO api_keys (id, consumer_id, secret_hash, name, created_at, expires_at, budget_nanos, budget_period, "
                        + "allowed_models, rate_rpm, rate_tpm, disabled, metadata, period_start, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                key.id(), key.consumerId(), key.secretHash(), key.name(), now, s.expiresAt().map(Instant::toEpochMilli),
                s.budget().map(Money::nanos), s.budgetPeriod().map(BudgetPeriod::wire), KeyRows.models(s.allowedModels()),
                s.limits().requestsPerMinute(), s.limits().tokensPerMinute(), s.disabled(), s.metadata(),
                s.periodStart(key.createdAt()), now);
    }

    Optional<ApiKeyRecord> key(String keyId) {
        return jdbc.queryOne("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE id = ?", KeyRows::key, keyId);
    }

    boolean revokeKey(String keyId, Instant at) {
        return jdbc.update("UPDATE api_keys SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL", at.toEpochMilli(),
                at.toEpochMilli(), keyId) == 1;
    }

    List<ApiKeyRecord> keys(String consumerId) {
        return jdbc.query("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE consumer_id = ? ORDER BY created_at, id", KeyRows::key, consumerId);
    }

    Optional<ApiKeyRecord> updateKey(String keyId, Optional<String> name, KeySettings s, Instant now) {
        boolean changed = jdbc.inTransaction(tx -> {
            List<Optional<BudgetPeriod>> before = tx.query("SELECT budget_period FROM api_keys WHERE id = ?",
                    rs -> Optional.ofNullable(rs.getString(1)).flatMap(BudgetPeriod::of), keyId);
            if (before.isEmpty()) {
                return false;
            }
            tx.update("UPDATE api_keys SET name = ?, expires_at = ?, budget_nanos = ?, budget_period = ?, allowed_models = ?, rate_rpm = ?, "
                            + "rate_tpm = ?, disabled = ?, metadata = ?, updated_at = ? WHERE id = ?",
                    name, s.expiresAt().map(Instant::toEpochMilli), s.budget().map(Money::nanos), s.budgetPeriod().map(BudgetPeriod::wire),
                    KeyRows.models(s.allowedModels()), s.limits().requestsPerMinute(), s.limits().tokensPerMinute(), s.disabled(),
                    s.metadata(), now.toEpochMilli(), keyId);
            if (!before.getFirst().equals(s.budgetPeriod())) {
                // the spend of the new period so far is what the log holds for it; requests still in flight add theirs when they settle
                long start = s.periodStart(now);
                tx.update("UPDATE api_keys SET period_start = ?, spent_nanos = (SELECT COALESCE(SUM(cost_nanos), 0) FROM request_log r "
                        + "WHERE r.consumer_id = api_keys.consumer_id AND r.key_id = ? AND r.created_at >= ?) WHERE id = ?",
                        start, keyId, start, keyId);
            }
            return true;
        });
        localHolds.ifPresent(h -> h.forgetKey(keyId));
        return changed ? key(keyId) : Optional.empty();
    }

    boolean rotateKey(String keyId, byte[] newSecretHash, Optional<Instant> previousUntil) {
        long now = System.currentTimeMillis();
        String sql = previousUntil.isPresent()
                ? "UPDATE api_keys SET previous_secret_hash = secret_hash, previous_secret_until = ?, secret_hash = ?, updated_at = ? "
                + "WHERE id = ? AND revoked_at IS NULL"
                : "UPDATE api_keys SET previous_secret_hash = NULL, previous_secret_until = ?, secret_hash = ?, updated_at = ? "
                + "WHERE id = ? AND revoked_at IS NULL";
        return jdbc.update(sql, previousUntil.map(Instant::toEpochMilli), newSecretHash, now, keyId) == 1;
    }

    Optional<KeySpend> keySpend(String keyId) {
        return jdbc.queryOne("SELECT " + SPEND_COLUMNS + " FROM api_keys WHERE id = ?", KeyRows::spend, keyId).map(this::withKeyHolds);
    }

    java.util.Map<String, KeySpend> keySpends(String consumerId) {
        java.util.Map<String, KeySpend> out = new java.util.LinkedHashMap<>();
        jdbc.query("SELECT " + SPEND_COLUMNS + " FROM api_keys WHERE consumer_id = ? ORDER BY created_at, id", KeyRows::spend, consumerId)
                .forEach(k -> out.put(k.keyId(), withKeyHolds(k)));
        return out;
    }

    /** SQLite: the holds of a key's requests in flight live in memory, not in the row. */
    private KeySpend withKeyHolds(KeySpend k) {
        return localHolds.map(h -> new KeySpend(k.keyId(), k.periodStart(), k.spent(), k.reserved().plus(h.keyReserved(k.keyId())),
                k.totalSpent(), k.requests(), k.totalTokens(), k.lastUsedAt())).orElse(k);
    }
}
