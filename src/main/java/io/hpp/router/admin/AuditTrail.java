package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Ids;
import io.hpp.router.common.Json;
import io.hpp.router.store.AuditEntry;
import io.hpp.router.store.Store;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Writes administrative changes to the store's audit: who, what, to what, and the fields before and after. */
final class AuditTrail {
    /**
     * The last audit time this process gave out. Entries sort by time, then id; a change made in the same millisecond
     * as the one before gets the next millisecond, so that "newest first" is the order the changes were made in.
     */
    private static final AtomicLong LAST_MILLIS = new AtomicLong();

    private final Store store;
    private final String actor;

    AuditTrail(Store store, String actor) {
        this.store = java.util.Objects.requireNonNull(store, "store");
        this.actor = java.util.Objects.requireNonNull(actor, "actor");
    }

    /** Records one change; {@code detail} must never hold a secret. */
    void record(String action, String target, ObjectNode detail) {
        long millis = LAST_MILLIS.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()));
        store.audit(new AuditEntry(Ids.timeOrderedUuid(), Instant.ofEpochMilli(millis), actor, action, target, detail.toString()));
    }

    /** {@code {"before": {...}, "after": {...}}} holding only the fields whose values differ between the two. */
    static ObjectNode changes(ObjectNode before, ObjectNode after) {
        ObjectNode out = Json.object();
        ObjectNode was = out.putObject("before");
        ObjectNode now = out.putObject("after");
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode old = before.path(f.getKey());
            JsonNode oldValue = old.isMissingNode() ? Json.MAPPER.nullNode() : old;
            if (!oldValue.equals(f.getValue())) {
                was.set(f.getKey(), oldValue);
                now.set(f.getKey(), f.getValue());
            }
        }
        return out;
    }
}
