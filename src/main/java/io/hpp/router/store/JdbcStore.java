package io.hpp.router.store;

import com.zaxxer.hikari.HikariDataSource;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link Store} over JDBC; the SQL is the subset that SQLite and PostgreSQL share. */
public final class JdbcStore implements Store {
    private static final String CONSUMER_COLUMNS = ConsumerRows.COLUMNS;

    private final HikariDataSource ds;
    private final Jdbc jdbc;
    private final Dialect dialect;
    private final Optional<HikariDataSource> holdPool;
    private final Optional<SqliteWriter> writer;
    private final Optional<LocalHolds> localHolds;
    private final JdbcKeys keys;
    private final JdbcPages pages;
    private final RulesetRows rulesets;
    private final JdbcStats stats;

    public JdbcStore(HikariDataSource ds, Dialect dialect) {
        this(ds, dialect, Optional.empty());
    }

    /** @param holdPool PostgreSQL: the asynchronous-commit pool that {@link #reserve} uses */
    public JdbcStore(HikariDataSource ds, Dialect dialect, Optional<HikariDataSource> holdPool) {
        this.ds = ds;
        this.dialect = dialect;
        this.holdPool = holdPool;
        boolean sqlite = dialect == Dialect.SQLITE;
        LongLivedConnection.Opener opener = () -> java.sql.DriverManager.getConnection(ds.getJdbcUrl(), ds.getDataSourceProperties());
        this.writer = sqlite ? Optional.of(new SqliteWriter(opener)) : Optional.empty();
        this.localHolds = sqlite ? Optional.of(new LocalHolds(opener)) : Optional.empty();
        this.jdbc = new Jdbc(ds, writer);
        this.keys = new JdbcKeys(jdbc, localHolds);
        this.pages = new JdbcPages(jdbc);
        this.rulesets = new RulesetRows(jdbc, dialect);
        this.stats = new JdbcStats(jdbc, dialect, localHolds);
    }

    @Override
    public ConsumerRecord createConsumer(Optional<String> username, Optional<String> customId, Money quota) {
        String id = io.hpp.router.common.Ids.uuid();
        long now = System.currentTimeMillis();
        jdbc.update("INSERT INTO consumers (id, username, custom_id, quota_nanos, created_at) VALUES (?, ?, ?, ?, ?)",
                id, username, customId, quota.nanos(), now);
        return consumer(id).orElseThrow();
    }

    @Override
    public Optional<ConsumerRecord> consumer(String id) {
        return jdbc.queryOne("SELECT " + CONSUMER_COLUMNS + " FROM consumers WHERE id = ?", ConsumerRows::read, id).map(this::withHolds);
    }

    /** SQLite: the holds of requests in flight live in memory, not in the row. */
    private ConsumerRecord withHolds(ConsumerRecord c) {
        return localHolds.map(h -> new ConsumerRecord(c.id(), c.username(), c.customId(), c.quota(), c.used(),
                c.reserved().plus(h.reserved(c.id())), c.requests(), c.totalTokens(), c.createdAt(), c.auto(), c.limits())).orElse(c);
    }

    @Override
    public Optional<ConsumerRecord> consumerByCustomId(String customId) {
        return jdbc.queryOne("SELECT " + CONSUMER_COLUMNS + " FROM consumers WHERE custom_id = ?", ConsumerRows::read, customId)
                .map(this::withHolds);
    }

    @Override
    public Optional<ConsumerRecord> setQuota(String consumerId, Money quota) {
        jdbc.update("UPDATE consumers SET quota_nanos = ? WHERE id = ?", quota.nanos(), consumerId);
        localHolds.ifPresent(h -> h.forget(consumerId));
        return consumer(consumerId);
    }

    @Override
    public Optional<ConsumerRecord> addQuota(String consumerId, Money delta) {
        jdbc.update("UPDATE consumers SET quota_nanos = quota_nanos + ? WHERE id = ?", delta.nanos(), consumerId);
        localHolds.ifPresent(h -> h.forget(consumerId));
        return consumer(consumerId);
    }

    @Override
    public void createKey(ApiKeyRecord key) {
        keys.createKey(key);
    }

    @Override
    public Optional<ApiKeyRecord> key(String keyId) {
        return keys.key(keyId);
    }

    @Override
    public boolean revokeKey(String keyId, Instant at) {
        return keys.revokeKey(keyId, at);
    }

    @Override
    public List<ApiKeyRecord> keys(String consumerId) {
        return keys.keys(consumerId);
    }

    @Override
    public Optional<ApiKeyRecord> updateKey(String keyId, Optional<String> name, KeySettings settings, Instant now) {
        return keys.updateKey(keyId, name, settings, now);
    }

    @Override
    public boolean rotateKey(String keyId, byte[] newSecretHash, Optional<Instant> previousUntil) {
        return keys.rotateKey(keyId, newSecretHash, previousUntil);
    }

    @Override
    public Optional<KeySpend> keySpend(String keyId) {
        return keys.keySpend(keyId);
    }

    @Override
    public java.util.Map<String, KeySpend> keySpends(String consumerId) {
        return keys.keySpends(consumerId);
    }

    @Override
    public List<ConsumerRecord> consumers(Optional<String> query, Optional<ConsumerCursor> after, int limit) {
        return pages.consumers(query, after, limit, CONSUMER_COLUMNS, ConsumerRows::read).stream().map(this::withHolds).toList();
    }

    @Override
    public void audit(AuditEntry e) {
        pages.audit(e);
    }

    @Override
    public List<AuditEntry> auditPage(Optional<String> target, Optional<LogCursor> before, int limit) {
        return pages.auditPage(target, before, limit);
    }

    @Override
    public List<Model> models() {
        return jdbc.query("SELECT * FROM models", ModelRows::read);
    }

    @Override
    public void upsertModel(Model model) {
        jdbc.inTransaction(tx -> ModelRows.upsert(tx, model));
    }

    @Override
    public boolean seedModels(List<Model> models) {
        return jdbc.inTransaction(tx -> {
            if (!tx.query("SELECT id FROM models LIMIT 1", rs -> rs.getString(1)).isEmpty()) {
                return false;
            }
            for (Model m : models) {
                ModelRows.upsert(tx, m);
            }
            return true;
        });
    }

    @Override
    public boolean reserve(Reservation r, Money mustRemain) {
        if (localHolds.isPresent()) {
            return localHolds.get().tryHold(r, mustRemain);
        }
        if (holdPool.isPresent()) {
            // PostgreSQL: one statement, one round trip; the hold row is written only if the balance (and the key's budget) covered it
            try (java.sql.Connection c = holdPool.get().getConnection()) {
                Jdbc.Tx tx = Jdbc.Tx.of(c);
                if (r.keyId().isPresent()) {
                    return tx.query("SELECT hpp_hold_with_key(?, ?, ?, ?, ?, ?, ?)", rs -> rs.getBoolean(1), r.id(), r.consumerId(),
                            r.keyId().get(), r.amount().nanos(), mustRemain.nanos(), r.expiresAt().toEpochMilli(), r.periodStart()).getFirst();
                }
                return tx.update("WITH held AS (UPDATE consumers SET reserved_nanos = reserved_nanos + ? "
                                + "WHERE id = ? AND quota_nanos - used_nanos - reserved_nanos >= ? RETURNING id) "
                                + "INSERT INTO reservations (id, consumer_id, amount_nanos, expires_at) SELECT ?, id, ?, ? FROM held",
                        r.amount().nanos(), r.consumerId(), mustRemain.nanos(), r.id(), r.amount().nanos(), r.expiresAt().toEpochMilli()) == 1;
            } catch (SQLException e) {
                throw new StoreException("quota hold failed: " + e.getMessage(), e);
            }
        }
        return jdbc.inTransaction(tx -> {
            int held = tx.update("UPDATE consumers SET reserved_nanos = reserved_nanos + ? "
                    + "WHERE id = ? AND quota_nanos - used_nanos - reserved_nanos >= ?",
                    r.amount().nanos(), r.consumerId(), mustRemain.nanos());
            if (held == 1 && r.keyId().isPresent()) {
                held = tx.update("UPDATE api_keys SET reserved_nanos = reserved_nanos + ?, "
                                + "spent_nanos = CASE WHEN period_start < ? THEN 0 ELSE spent_nanos END, "
                                + "period_start = CASE WHEN period_start < ? THEN ? ELSE period_start END "
                                + "WHERE id = ? AND (budget_nanos IS NULL OR budget_nanos - (CASE WHEN period_start < ? THEN 0 ELSE spent_nanos END) "
                                + "- reserved_nanos >= ?)", r.amount().nanos(), r.periodStart(), r.periodStart(), r.periodStart(),
                        r.keyId().get(), r.periodStart(), mustRemain.nanos());
                if (held == 0) {
                    tx.update("UPDATE consumers SET reserved_nanos = reserved_nanos - ? WHERE id = ?", r.amount().nanos(), r.consumerId());
                }
            }
            if (held == 1) {
                tx.update("INSERT INTO reservations (id, consumer_id, key_id, amount_nanos, expires_at) VALUES (?, ?, ?, ?, ?)",
                        r.id(), r.consumerId(), r.keyId(), r.amount().nanos(), r.expiresAt().toEpochMilli());
            }
            return held == 1;
        });
    }

    @Override
    public int settle(List<Settlement> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        SettleBatch done = jdbc.inTransaction(tx -> SettleBatch.write(tx, batch, localHolds.isPresent()));
        // after the commit, so a hold never stops counting before its charge does
        localHolds.ifPresent(h -> h.release(done.heldInMemory, done.chargedConsumers, done.chargedKeys));
        return done.applied;
    }

    @Override
    public String databaseId() {
        return jdbc.inTransaction(tx -> {
            tx.update("INSERT INTO router_meta (name, value) VALUES ('database_id', ?) ON CONFLICT (name) DO NOTHING",
                    io.hpp.router.common.Ids.uuid());
            return tx.query("SELECT value FROM router_meta WHERE name = 'database_id'", rs -> rs.getString(1)).getFirst();
        });
    }

    @Override
    public Optional<ConsumerRecord> setLimits(String consumerId, ConsumerRecord.RateLimits limits) {
        jdbc.update("UPDATE consumers SET rate_rpm = ?, rate_tpm = ? WHERE id = ?", limits.requestsPerMinute(), limits.tokensPerMinute(),
                consumerId);
        return consumer(consumerId);
    }

    @Override
    public boolean admit(String consumerId, long windowStart, ConsumerRecord.RateLimits limits) {
        return admitIn("rate_windows", "consumer_id", consumerId, windowStart, limits);
    }

    @Override
    public boolean admitKey(String keyId, long windowStart, ConsumerRecord.RateLimits limits) {
        return admitIn("key_rate_windows", "key_id", keyId, windowStart, limits);
    }

    private boolean admitIn(String table, String column, String id, long windowStart, ConsumerRecord.RateLimits limits) {
        String sql = "INSERT INTO " + table + " (" + column + ", window_start, requests, tokens) VALUES (?, ?, 1, 0) "
                + "ON CONFLICT (" + column + ", window_start) DO UPDATE SET requests = " + table + ".requests + 1 "
                + "WHERE " + table + ".requests < ? AND " + table + ".tokens < ?";
        Object[] params = {id, windowStart, limits.requestsPerMinute().orElse(Long.MAX_VALUE),
                limits.tokensPerMinute().orElse(Long.MAX_VALUE)};
        if (holdPool.isPresent()) {
            try (java.sql.Connection c = holdPool.get().getConnection()) {
                return Jdbc.Tx.of(c).update(sql, params) == 1;
            } catch (SQLException e) {
                throw new StoreException("rate-limit check failed: " + e.getMessage(), e);
            }
        }
        return jdbc.update(sql, params) == 1;
    }

    @Override
    public int releaseExpired(Instant now) {
        jdbc.update("DELETE FROM rate_windows WHERE window_start < ?", now.toEpochMilli() / 60_000 - 10);
        jdbc.update("DELETE FROM key_rate_windows WHERE window_start < ?", now.toEpochMilli() / 60_000 - 10);
        int local = localHolds.map(h -> h.releaseExpired(now)).orElse(0);
        // the table is also swept on SQLite: holds written there by an older version or another process
        return local + jdbc.inTransaction(tx -> {
            // in consumer order, each consumer's row before its key's: the order settlement batches lock them in
            List<Reservation> expired = tx.query("SELECT id, consumer_id, amount_nanos, expires_at, key_id FROM reservations "
                            + "WHERE expires_at < ? ORDER BY consumer_id, id",
                    rs -> new Reservation(rs.getString(1), rs.getString(2), new Money(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)),
                            Optional.ofNullable(rs.getString(5)), 0),
                    now.toEpochMilli());
            for (Reservation r : expired) {
                if (tx.update("DELETE FROM reservations WHERE id = ?", r.id()) == 1) {
                    tx.update("UPDATE consumers SET reserved_nanos = reserved_nanos - ? WHERE id = ?", r.amount().nanos(), r.consumerId());
                    if (r.keyId().isPresent()) {
                        tx.update("UPDATE api_keys SET reserved_nanos = reserved_nanos - ? WHERE id = ?", r.amount().nanos(), r.keyId().get());
                    }
                }
            }
            return expired.size();
        });
    }

    @Override
    public List<RequestLogEntry> requestLog(String consumerId, int limit) {
        return jdbc.query("SELECT * FROM request_log WHERE consumer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                RequestLogRows::read, consumerId, limit);
    }

    @Override
    public List<RulesetRecord> rulesets() {
        return rulesets.rulesets();
    }

    @Override
    public Optional<RulesetRecord> activeRuleset() {
        return rulesets.activeRuleset();
    }

    @Override
    public RulesetRecord publishRuleset(String body, String createdBy) {
        return rulesets.publishRuleset(body, createdBy);
    }

    @Override
    public boolean activateRuleset(long version) {
        return rulesets.activateRuleset(version);
    }

    @Override
    public void notifyNodes(String event) {
        if (dialect == Dialect.POSTGRES) {
            jdbc.query("SELECT pg_notify('" + PgListener.CHANNEL + "', ?)", rs -> 1, event);
        }
    }

    @Override
    public AutoCloseable listen(java.util.function.Consumer<String> handler) {
        if (dialect != Dialect.POSTGRES) {
            return () -> { };
        }
        return PgListener.start(ds, handler);
    }

    @Override
    public Optional<RequestLogEntry> requestByRequestId(String consumerId, String requestId) {
        return jdbc.queryOne("SELECT * FROM request_log WHERE request_id = ? AND consumer_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
                RequestLogRows::read, requestId, consumerId);
    }

    @Override
    public List<RequestLogEntry> requestLogPage(LogFilter filter, Optional<LogCursor> before, int limit) {
        return pages.requestLogPage(filter, before, limit);
    }

    @Override
    public JdbcStats stats() {
        return stats;
    }

    @Override
    public void ping() {
        jdbc.query("SELECT 1", rs -> rs.getInt(1));
    }

    @Override
    public void close() {
        holdPool.ifPresent(HikariDataSource::close);
        writer.ifPresent(SqliteWriter::close);
        localHolds.ifPresent(LocalHolds::close);
        ds.close();
    }

    @Override
    public void storeResponse(StoredResponse r) {
        jdbc.inTransaction(tx -> tx.update("INSERT INTO stored_responses (id, consumer_id, created_at, expires_at, input, response) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", r.id(), r.consumerId(), r.createdAt(), r.expiresAt(),
                r.input(), r.response())); // JSON text as Jackson writes it: control characters escaped
    }

    @Override
    public Optional<StoredResponse> storedResponse(String id, String consumerId, long nowMillis) {
        return jdbc.queryOne("SELECT id, consumer_id, created_at, expires_at, input, response FROM stored_responses "
                        + "WHERE id = ? AND consumer_id = ? AND expires_at > ?",
                rs -> new StoredResponse(rs.getString("id"), rs.getString("consumer_id"), rs.getLong("created_at"),
                        rs.getLong("expires_at"), rs.getString("input"), rs.getString("response")), id, consumerId, nowMillis);
    }

    @Override
    public boolean deleteStoredResponse(String id, String consumerId) {
        return jdbc.inTransaction(tx -> tx.update("DELETE FROM stored_responses WHERE id = ? AND consumer_id = ?", id, consumerId)) > 0;
    }

    @Override
    public int deleteExpiredResponses(long nowMillis) {
        return jdbc.inTransaction(tx -> tx.update("DELETE FROM stored_responses WHERE expires_at <= ?", nowMillis));
    }
}
