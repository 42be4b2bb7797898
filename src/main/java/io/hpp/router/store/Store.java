package io.hpp.router.store;

import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the router keeps in its database. One implementation per SQL dialect family; every method either
 * completes or throws {@link StoreException}, never leaving a half-written record.
 */
public interface Store extends AutoCloseable {

    ConsumerRecord createConsumer(Optional<String> username, Optional<String> customId, Money quota);

    Optional<ConsumerRecord> consumer(String id);

    Optional<ConsumerRecord> consumerByCustomId(String customId);

    Optional<ConsumerRecord> setQuota(String consumerId, Money quota);

    Optional<ConsumerRecord> addQuota(String consumerId, Money delta);

    /** Sets (or, with empty values, lifts) the consumer's rate limits. */
    Optional<ConsumerRecord> setLimits(String consumerId, ConsumerRecord.RateLimits limits);

    /**
     * Counts one request in the consumer's window (epoch minute) if the window is under both limits, atomically, in
     * one statement; false when the consumer is over a limit. Shared by every node on the database.
     */
    boolean admit(String consumerId, long windowStart, ConsumerRecord.RateLimits limits);

    void createKey(ApiKeyRecord key);

    Optional<ApiKeyRecord> key(String keyId);

    /** Marks the key revoked; false when there is no such key or it was revoked already. */
    boolean revokeKey(String keyId, Instant at);

    /** The consumer's keys (revoked ones too), oldest first. */
    List<ApiKeyRecord> keys(String consumerId);

    /**
     * Replaces the key's name and settings. When the budget period changed, the key's spend is counted again from the
     * log for the period {@code now} falls in, in the same transaction. Empty when there is no such key.
     */
    Optional<ApiKeyRecord> updateKey(String keyId, Optional<String> name, KeySettings settings, Instant now);

    /**
     * Gives the key a new secret; the current one keeps working until {@code previousUntil} (none: at once). Settings
     * and spend stay. False when there is no such unrevoked key.
     */
    boolean rotateKey(String keyId, byte[] newSecretHash, Optional<Instant> previousUntil);

    /** The key's spend, holds and totals (the holds of requests in flight included). */
    Optional<KeySpend> keySpend(String keyId);

    /** The spend of each of the consumer's keys, by key id. */
    java.util.Map<String, KeySpend> keySpends(String consumerId);

    /** {@link #admit} for a key's own limits, in its own windows. */
    boolean admitKey(String keyId, long windowStart, ConsumerRecord.RateLimits limits);

    /** Where a page of consumers ended: the next page starts after this one. */
    record ConsumerCursor(Instant createdAt, String id) {
    }

    /**
     * Consumers oldest first, after {@code after}: those whose id, username or custom id contains {@code query}
     * (ignoring case), or all.
     */
    List<ConsumerRecord> consumers(Optional<String> query, Optional<ConsumerCursor> after, int limit);

    /** Appends one administrative change to the audit. */
    void audit(AuditEntry entry);

    /** Audit entries newest first, before {@code before} (an entry's time and id), about {@code target} or all. */
    List<AuditEntry> auditPage(Optional<String> target, Optional<LogCursor> before, int limit);

    List<Model> models();

    void upsertModel(Model model);

    /** Inserts the models only if the catalog is empty; true when it did. */
    boolean seedModels(List<Model> models);

    /**
     * Holds {@code r.amount()} against the consumer's balance if at least {@code mustRemain} is still available
     * (quota − used − reserved), atomically; false otherwise. A hold that names a key also needs its key's budget to
     * have {@code mustRemain} left (budget − spent in the period − reserved) and holds it there too, in the same step.
     */
    boolean reserve(Reservation r, Money mustRemain);

    /**
     * Applies settlements, each one atomically: charge, drop the reservation, append the log row. A settlement whose
     * log row is already stored (its id) was applied before and is skipped whole: applying a batch twice changes
     * nothing. Returns how many were applied.
     */
    int settle(List<Settlement> batch);

    /** This database's identity: made once, the same for every node and process that uses it. */
    String databaseId();

    /** Releases reservations that expired before {@code now}; returns how many. */
    int releaseExpired(Instant now);

    /** The consumer's most recent log rows, newest first. */
    List<RequestLogEntry> requestLog(String consumerId, int limit);

    /** The consumer's logged request with this X-Request-Id (the newest, should a client reuse one). */
    Optional<RequestLogEntry> requestByRequestId(String consumerId, String requestId);

    /** Where a page of the log ended: the next page starts after this row. */
    record LogCursor(Instant createdAt, String id) {
    }

    /** Log rows, newest first, that pass the filter, from after {@code before}. */
    List<RequestLogEntry> requestLogPage(LogFilter filter, Optional<LogCursor> before, int limit);

    /** The operators' statistics and the hourly totals behind them. */
    JdbcStats stats();

    /** Every stored ruleset version, oldest first. */
    List<RulesetRecord> rulesets();

    Optional<RulesetRecord> activeRuleset();

    /** Stores {@code body} as the next version and makes it the active one, in one transaction. */
    RulesetRecord publishRuleset(String body, String createdBy);

    /** Makes an existing version the active one; false when there is no such version. */
    boolean activateRuleset(long version);

    /**
     * Tells every node sharing this database about a change ({@code quota:<consumer>}, {@code key:<key id>},
     * {@code rules}, {@code catalog}). A no-op where one process owns the database (SQLite).
     */
    void notifyNodes(String event);

    /**
     * Delivers other nodes' (and this node's) {@link #notifyNodes} events to {@code handler} until closed; keeps
     * reconnecting while the database is away. Nothing to listen to on SQLite.
     */
    AutoCloseable listen(java.util.function.Consumer<String> handler);

    /** Cheap liveness probe of the database. */
    void ping();

    @Override
    void close();

    /** Keeps a Responses API response for its consumer (a response id given twice keeps the first). */
    void storeResponse(StoredResponse response);

    /** The consumer's stored response with this id, unless it expired; another consumer's is not found. */
    Optional<StoredResponse> storedResponse(String id, String consumerId, long nowMillis);

    /** Deletes the consumer's stored response; false when it has none with this id. */
    boolean deleteStoredResponse(String id, String consumerId);

    /** Deletes the stored responses that expired before {@code nowMillis}; returns how many. */
    int deleteExpiredResponses(long nowMillis);
}
