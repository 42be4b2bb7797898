package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.AuditEntry;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.KeySpend;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Administrative operations, shared by the admin HTTP API and the command line. Every change tells this node's
 * caches at once through the two hooks, and is recorded in the admin audit under the actor this instance acts as.
 */
public final class Admin {
    /** The longest a rotated key's previous secret may keep working. */
    public static final Duration MAX_GRACE = Duration.ofDays(30);

    private final Store store;
    private final ApiKeys keys;
    private final AuditTrail audit;
    private final Consumer<String> quotaChanged;
    private final Runnable catalogChanged;

    /** @param actor who makes the changes, as the audit records it: {@code admin-api} or {@code cli} */
    public Admin(Store store, ApiKeys keys, String actor, Consumer<String> quotaChanged, Runnable catalogChanged) {
        this.store = store;
        this.keys = keys;
        this.audit = new AuditTrail(store, actor);
        this.quotaChanged = quotaChanged;
        this.catalogChanged = catalogChanged;
    }

    /** One page of a list, and the cursor of the next page (none on the last). */
    public record Page<T>(List<T> items, Optional<String> nextCursor) {
    }

    /** A key and its spend. */
    public record KeyState(ApiKeyRecord key, Optional<KeySpend> spend) {
    }

    /** A new key: its plaintext, shown once, and its stored record. */
    public record NewKey(ApiKeys.Issued issued, ApiKeyRecord key) {
    }

    /** A rotated key's new plaintext, and until when the previous secret still works (none: it stopped at once). */
    public record Rotated(ApiKeys.Issued issued, Optional<Instant> previousValidUntil) {
    }

    public ConsumerRecord createConsumer(Optional<String> username, Optional<String> customId, Optional<Money> quota) {
        Money q = quota.orElse(Money.ZERO);
        if (q.nanos() < 0) {
            throw ApiException.invalidRequest("Field 'quota' must be >= 0, got " + q.dollars().toPlainString());
        }
        if (customId.isPresent() && store.consumerByCustomId(customId.get()).isPresent()) {
            throw new ApiException(409, "conflict", "custom_id '" + customId.get() + "' is already used by another consumer");
        }
        ConsumerRecord c = store.createConsumer(username, customId, q);
        ObjectNode after = Json.object().put("username", username.orElse(null)).put("custom_id", customId.orElse(null))
                .put("quota", q.dollars());
        audit.record("consumer.create", "consumer:" + c.id(), AuditTrail.changes(Json.object(), after));
        return c;
    }

    public ConsumerRecord consumer(String id) {
        return store.consumer(id).orElseThrow(() -> ApiException.notFound("No consumer with id '" + id + "'"));
    }

    /** Consumers oldest first whose id, username or custom id contains {@code query} (ignoring case), a page at a time. */
    public Page<ConsumerRecord> consumers(Optional<String> query, Optional<String> cursor, int limit) {
        Pages.limit(limit);
        Optional<Store.ConsumerCursor> after = cursor.map(Pages::mark).map(m -> new Store.ConsumerCursor(m.at(), m.id()));
        List<ConsumerRecord> rows = store.consumers(query.map(String::trim).filter(q -> !q.isEmpty()), after, limit + 1);
        return Pages.page(rows, limit, c -> new Pages.Mark(c.createdAt(), c.id()));
    }

    /** Sets or adds to the quota: exactly one of the two must be given; the result may not be negative. */
    public ConsumerRecord changeQuota(String id, Optional<Money> set, Optional<Money> add) {
        if (set.isPresent() == add.isPresent()) {
            throw ApiException.invalidRequest("Give exactly one of 'set' or 'add' (a number of dollars)");
        }
        ConsumerRecord current = consumer(id);
        Money next = set.orElseGet(() -> current.quota().plus(add.orElseThrow()));
        if (next.nanos() < 0) {
            throw ApiException.invalidRequest("Quota would become negative: " + next.dollars().toPlainString());
        }
        Optional<ConsumerRecord> updated = set.isPresent() ? store.setQuota(id, set.get()) : store.addQuota(id, add.orElseThrow());
        quotaChanged.accept(id);
        store.notifyNodes("quota:" + id);
        ConsumerRecord c = updated.orElseThrow(() -> ApiException.notFound("No consumer with id '" + id + "'"));
        ObjectNode detail = AuditTrail.changes(Json.object().put("quota", current.quota().dollars()), Json.object().put("quota", c.quota().dollars()));
        set.ifPresent(s -> detail.put("set", s.dollars()));
        add.ifPresent(a -> detail.put("add", a.dollars()));
        audit.record("consumer.quota", "consumer:" + id, detail);
        return c;
    }

    /** Sets or lifts the consumer's rate limits (null or absent values lift that limit). */
    public ConsumerRecord setLimits(String id, Optional<Long> rpm, Optional<Long> tpm) {
        ConsumerRecord current = consumer(id);
        for (Optional<Long> v : List.of(rpm, tpm)) {
            if (v.isPresent() && v.get() < 1) {
                throw ApiException.invalidRequest("Rate limits must be whole numbers >= 1 (or null for no limit)");
            }
        }
        ConsumerRecord updated = store.setLimits(id, new ConsumerRecord.RateLimits(rpm, tpm)).orElseThrow();
        quotaChanged.accept(id);
        store.notifyNodes("quota:" + id);
        audit.record("consumer.limits", "consumer:" + id, AuditTrail.changes(limits(current.limits()), limits(updated.limits())));
        return updated;
    }

    private static ObjectNode limits(ConsumerRecord.RateLimits l) {
        ObjectNode n = Json.object();
        n.put("requests_per_minute", l.requestsPerMinute().orElse(null));
        n.put("tokens_per_minute", l.tokensPerMinute().orElse(null));
        return n;
    }

    /** Issues a key with the settings in {@code body} (the admin JSON form; an empty object for none). */
    public NewKey createKey(String consumerId, JsonNode body) {
        consumer(consumerId);
        KeySpec.Named spec = KeySpec.create(body);
        ApiKeys.Issued issued = keys.issue(consumerId, spec.name(), spec.settings());
        ApiKeyRecord created = key(issued.keyId());
        ObjectNode detail = AuditTrail.changes(Json.object(), named(created));
        detail.put("consumer_id", consumerId);
        audit.record("key.create", "key:" + created.id(), detail);
        return new NewKey(issued, created);
    }

    /** The consumer's keys (revoked ones too), oldest first, with their spend. */
    public List<KeyState> keys(String consumerId) {
        consumer(consumerId);
        Map<String, KeySpend> spends = store.keySpends(consumerId);
        return store.keys(consumerId).stream().map(k -> new KeyState(k, Optional.ofNullable(spends.get(k.id())))).toList();
    }

    public KeyState keyState(String keyId) {
        return new KeyState(key(keyId), store.keySpend(keyId));
    }

    /** Changes a key's settings: fields left out keep their values, {@code null} clears one. Every node sees it at once. */
    public ApiKeyRecord updateKey(String keyId, JsonNode patch) {
        ApiKeyRecord current = unrevoked(keyId, "changed");
        KeySpec.Named next = KeySpec.merge(new KeySpec.Named(current.name(), current.settings()), patch);
        ApiKeyRecord updated = store.updateKey(keyId, next.name(), next.settings(), Instant.now())
                .orElseThrow(() -> ApiException.notFound("No key with id '" + keyId + "'"));
        keyChanged(keyId);
        audit.record("key.update", "key:" + keyId, AuditTrail.changes(named(current), named(updated)));
        return updated;
    }

    /**
     * Gives the key a new secret with the same settings and spend; the previous secret keeps working for {@code grace}
     * (0 to {@link #MAX_GRACE}).
     */
    public Rotated rotateKey(String keyId, Duration grace) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw ApiException.invalidRequest("Field 'grace_seconds' must be a whole number from 0 to " + MAX_GRACE.toSeconds()
                    + " (30 days), got " + grace.toSeconds());
        }
        unrevoked(keyId, "rotated");
        ApiKeys.Issued issued = keys.rotate(keyId, grace).orElseThrow(() -> revoked(keyId, "rotated"));
        keyChanged(keyId);
        Optional<Instant> until = key(keyId).previousUntil();
        ObjectNode detail = Json.object().put("grace_seconds", grace.toSeconds())
                .put("previous_valid_until", until.map(Instant::toString).orElse(null));
        audit.record("key.rotate", "key:" + keyId, detail);
        return new Rotated(issued, until);
    }

    public void revokeKey(String keyId) {
        ApiKeyRecord k = key(keyId);
        boolean revoked = keys.revoke(keyId);
        store.notifyNodes("key:" + keyId);
        if (revoked) {
            audit.record("key.revoke", "key:" + keyId, Json.object().put("consumer_id", k.consumerId()));
        }
    }

    /** Audit entries newest first, about {@code target} (such as {@code key:<id>}) or all, a page at a time. */
    public Page<AuditEntry> audit(Optional<String> target, Optional<String> cursor, int limit) {
        Pages.limit(limit);
        Optional<Store.LogCursor> before = cursor.map(Pages::mark).map(m -> new Store.LogCursor(m.at(), m.id()));
        List<AuditEntry> rows = store.auditPage(target.filter(t -> !t.isBlank()), before, limit + 1);
        return Pages.page(rows, limit, e -> new Pages.Mark(e.at(), e.id()));
    }

    private ApiKeyRecord key(String keyId) {
        return store.key(keyId).orElseThrow(() -> ApiException.notFound("No key with id '" + keyId + "'"));
    }

    private ApiKeyRecord unrevoked(String keyId, String what) {
        ApiKeyRecord k = key(keyId);
        if (k.revoked()) {
            throw revoked(keyId, what);
        }
        return k;
    }

    private static ApiException revoked(String keyId, String what) {
        return new ApiException(409, "conflict", "Key '" + keyId + "' is revoked and cannot be " + what + "; issue a new key instead");
    }

    /** This node forgets the cached key at once, the others when the event reaches them. */
    private void keyChanged(String keyId) {
        keys.invalidate(keyId);
        store.notifyNodes("key:" + keyId);
    }

    private static ObjectNode named(ApiKeyRecord k) {
        ObjectNode n = Json.object().put("name", k.name().orElse(null));
        n.setAll(AdminViews.settings(k.settings()));
        return n;
    }

    public List<Model> models() {
        return store.models().stream().sorted(Comparator.comparing(Model::id)).toList();
    }

    /** Creates or updates one model from its JSON form; fields left out keep their current values. */
    public Model upsertModel(JsonNode body) {
        String id = ModelSpec.id(body);
        Optional<Model> current = store.models().stream().filter(m -> m.id().equals(id)).findFirst();
        Model merged = ModelSpec.merge(current, body);
        store.upsertModel(merged);
        catalogChanged.run();
        store.notifyNodes("catalog");
        audit.record("model.upsert", "model:" + id,
                AuditTrail.changes(current.map(AdminViews::model).orElseGet(Json::object), AdminViews.model(merged)));
        return merged;
    }
}
