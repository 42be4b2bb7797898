package io.hpp.router.billing;

import io.hpp.router.store.ConsumerRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A short-lived per-consumer cache of balances for {@code /api/quota-check}. Concurrent misses for one consumer
 * collapse into one load; {@link #invalidate} takes effect at once, also against a load already under way.
 * Errors are never cached: a failed load fails every waiter and the next call tries again.
 */
public final class QuotaCache {
    private record Entry(ConsumerRecord value, long loadedAt) {
    }

    private final Function<String, Optional<ConsumerRecord>> loader;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Entry> fresh = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Optional<ConsumerRecord>>> loading = new ConcurrentHashMap<>();
    private final AtomicLong invalidations = new AtomicLong();

    public QuotaCache(Function<String, Optional<ConsumerRecord>> loader, Duration ttl) {
        this(loader, ttl, System::nanoTime);
    }

    QuotaCache(Function<String, Optional<ConsumerRecord>> loader, Duration ttl, LongSupplier clock) {
        this.loader = loader;
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    public Optional<ConsumerRecord> get(String consumerId) {
        Entry e = fresh.get(consumerId);
        if (e != null && clock.getAsLong() - e.loadedAt() < ttlNanos) {
            return Optional.of(e.value());
        }
        CompletableFuture<Optional<ConsumerRecord>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<ConsumerRecord>> theirs = loading.putIfAbsent(consumerId, mine);
        if (theirs != null) {
            return await(theirs);
        }
        long generation = invalidations.get();
        try {
            Optional<ConsumerRecord> loaded = loader.apply(consumerId);
            if (invalidations.get() == generation) {
                loaded.ifPresentOrElse(c -> fresh.put(consumerId, new Entry(c, clock.getAsLong())), () -> fresh.remove(consumerId));
            }
            mine.complete(loaded);
            return loaded;
        } catch (RuntimeException ex) {
            mine.completeExceptionally(ex);
            throw ex;
        } finally {
            loading.remove(consumerId, mine);
        }
    }

    /** Forgets the consumer's balance; the next read goes to the store. */
    public void invalidate(String consumerId) {
        invalidations.incrementAndGet();
        fresh.remove(consumerId);
    }

    /** Forgets every balance (after missing cross-node events). */
    public void invalidateAll() {
        invalidations.incrementAndGet();
        fresh.clear();
    }

    private static Optional<ConsumerRecord> await(CompletableFuture<Optional<ConsumerRecord>> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
