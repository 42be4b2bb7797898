package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.common.ApiException;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Administrative operations, shared by the admin HTTP API and the command line. Every change tells this node's
 * caches at once through the two hooks.
 */
public final class Admin {
    private final Store store;
    private final ApiKeys keys;
    private final Consumer<String> quotaChanged;
    private final Runnable catalogChanged;

    public Admin(Store store, ApiKeys keys, Consumer<String> quotaChanged, Runnable catalogChanged) {
        this.store = store;
        this.keys = keys;
        this.quotaChanged = quotaChanged;
        this.catalogChanged = catalogChanged;
    }

    public ConsumerRecord createConsumer(Optional<String> username, Optional<String> customId, Optional<Money> quota) {
        Money q = quota.orElse(Money.ZERO);
        if (q.nanos() < 0) {
            throw ApiException.invalidRequest("Field 'quota' must be >= 0, got " + q.dollars().toPlainString());
        }
        if (customId.isPresent() && customIdTaken(customId.get())) {
            throw new ApiException(409, "conflict", "custom_id '" + customId.get() + "' is already used by another consumer");
        }
        return store.createConsumer(username, customId, q);
    }

    private boolean customIdTaken(String customId) {
        return store.consumerByCustomId(customId).isPresent();
    }

    public ConsumerRecord consumer(String id) {
        return store.consumer(id).orElseThrow(() -> ApiException.notFound("No consumer with id '" + id + "'"));
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
        return updated.orElseThrow(() -> ApiException.notFound("No consumer with id '" + id + "'"));
    }

    /** Sets or lifts the consumer's rate limits (null or absent values lift that limit). */
    public ConsumerRecord setLimits(String id, Optional<Long> rpm, Optional<Long> tpm) {
        consumer(id);
        for (Optional<Long> v : java.util.List.of(rpm, tpm)) {
            if (v.isPresent() && v.get() < 1) {
                throw ApiException.invalidRequest("Rate limits must be whole numbers >= 1 (or null for no limit)");
            }
        }
        ConsumerRecord updated = store.setLimits(id, new ConsumerRecord.RateLimits(rpm, tpm)).orElseThrow();
        quotaChanged.accept(id);
        store.notifyNodes("quota:" + id);
        return updated;
    }

    public ApiKeys.Issued createKey(String consumerId, Optional<String> name) {
        consumer(consumerId);
        return keys.issue(consumerId, name);
    }

    public void revokeKey(String keyId) {
        if (store.key(keyId).isEmpty()) {
            throw ApiException.notFound("No key with id '" + keyId + "'");
        }
        keys.revoke(keyId);
        store.notifyNodes("key:" + keyId);
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
        return merged;
    }
}
