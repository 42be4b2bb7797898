package io.hpp.router.billing;

import io.hpp.router.common.ApiException;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.Store;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-consumer requests and tokens per minute, in fixed one-minute windows counted in the database (so the limit
 * holds across nodes). Consumers without limits cost nothing here: their limits are cached (5 s, or until an admin
 * change says otherwise) and no window is touched.
 */
public final class RateLimiter {
    private static final long CACHE_NANOS = Duration.ofSeconds(5).toNanos();

    private record Cached(ConsumerRecord.RateLimits limits, long loadedAt) {
    }

    private final Store store;
    private final LongSupplier clockMillis;
    private final ConcurrentHashMap<String, Cached> limits = new ConcurrentHashMap<>();

    public RateLimiter(Store store) {
        this(store, System::currentTimeMillis);
    }

    RateLimiter(Store store, LongSupplier clockMillis) {
        this.store = store;
        this.clockMillis = clockMillis;
    }

    /**
     * Admits the request or throws 429 {@code rate_limited} with the seconds until the window turns; returns the
     * window it was counted in (to add its tokens to when it settles), or empty for an unlimited consumer.
     */
    public Optional<Long> admit(String consumerId) {
        ConsumerRecord.RateLimits l = limitsOf(consumerId);
        if (!l.any()) {
            return Optional.empty();
        }
        long now = clockMillis.getAsLong();
        long window = now / 60_000;
        if (!store.admit(consumerId, window, l)) {
            long retryAfter = Math.max(1, ((window + 1) * 60_000 - now + 999) / 1000);
            throw ApiException.rateLimited("Rate limit reached (" + describe(l) + "); retry in " + retryAfter + " s", retryAfter);
        }
        return Optional.of(window);
    }

    /** Forgets cached limits (an admin change, here or on another node). */
    public void invalidate(String consumerId) {
        limits.remove(consumerId);
    }

    public void invalidateAll() {
        limits.clear();
    }

    private ConsumerRecord.RateLimits limitsOf(String consumerId) {
        long now = System.nanoTime();
        Cached c = limits.get(consumerId);
        if (c != null && now - c.loadedAt() < CACHE_NANOS) {
            return c.limits();
        }
        ConsumerRecord.RateLimits l = store.consumer(consumerId).map(ConsumerRecord::limits).orElse(ConsumerRecord.RateLimits.NONE);
        limits.put(consumerId, new Cached(l, now));
        return l;
    }

    private static String describe(ConsumerRecord.RateLimits l) {
        return l.requestsPerMinute().map(r -> r + " requests").orElse("")
                + (l.requestsPerMinute().isPresent() && l.tokensPerMinute().isPresent() ? " and " : "")
                + l.tokensPerMinute().map(t -> t + " tokens").orElse("") + " per minute";
    }
}
