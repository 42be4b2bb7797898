package io.hpp.router.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Which deployment served a conversation last, so that its follow-up turns go there while it is healthy: a provider's
 * prompt cache lives in one deployment, and a conversation spread over several pays its whole prompt again on each. A
 * conversation is known by its consumer, its model and a hash of its opening (the messages up to its first user
 * message, which every turn resends unchanged). Per node, at most {@code capacity} conversations (the least recently
 * used go first), each forgotten after {@code idle} without a turn. Used only for models of more than one deployment.
 */
final class Affinity {
    /** One conversation of one consumer on one model. */
    record Key(String consumerId, String modelId, long opening) {
    }

    private record Seen(String deployment, long at) {
    }

    private final long idleNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<Key, Seen> entries;

    Affinity(int capacity, java.time.Duration idle, LongSupplier clock) {
        this.idleNanos = idle.toNanos();
        this.clock = clock;
        // access order: the eldest entry is the least recently used
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Seen> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The deployment that served {@code key} last, unless it is forgotten. */
    synchronized Optional<String> find(Key key) {
        Seen e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (clock.getAsLong() - e.at() > idleNanos) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(e.deployment());
    }

    /** {@code deployment} served {@code key} now. */
    synchronized void remember(Key key, String deployment) {
        entries.put(key, new Seen(deployment, clock.getAsLong()));
    }

    synchronized int size() {
        return entries.size();
    }
}
