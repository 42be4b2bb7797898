package io.hpp.router.billing;

import io.hpp.router.common.ApiException;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.Store;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-consumer and per-key requests and tokens per minute, in fixed one-minute windows counted in the database (so the limit
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
     * The windows a request was counted in, to add its tokens to when it settles: its consumer's and its key's, each
     * empty when that one is unlimited.
     */
    public record Admission(Optional<Long> consumerWindow, Optional<Long> keyWindow) {
        public static final Admission UNLIMITED = new Admission(Optional.empty(), Optional.empty());
    }

    /**
     * Admits the request under its key's limits, then its consumer's, or throws 429 {@code rate_limited} with the
     * seconds until the window turns. The key's limits come with its record; the consumer's are cached here.
     */
    public Admission admit(ApiKeyRecord key) {
        ConsumerRecord.RateLimits kl = key.settings().limits();
        Optional<Long> keyWindow = Optional.empty();
        if (kl.any()) {
            long now = clockMillis.getAsLong();
            long window = now / 60_000;
            if (!store.admitKey(key.id(), window, kl)) {
                throw refused("This API key's rate limit reached (" + describe(kl) + ")", window, now);
            }
            keyWindow = Optional.of(window);
        }
        return new Admission(admit(key.consumerId()), keyWindow);
    }

    /**
     * Admits the request under the consumer's limits or throws 429 {@code rate_limited} with the seconds until the
     * window turns; returns the window it was counted in, or empty for an unlimited consumer.
     */
    public Optional<Long> admit(String consumerId) {
        ConsumerRecord.RateLimits l = limitsOf(consumerId);
        if (!l.any()) {
            return Optional.empty();
        }
        long now = clockMillis.getAsLong();
        long window = now / 60_000;
        if (!store.admit(consumerId, window, l)) {
            throw refused("Rate limit reached (" + describe(l) + ")", window, now);
        }
        return Optional.of(window);
    }

    private static ApiException refused(String what, long window, long now) {
        long retryAfter = Math.max(1, ((window + 1) * 60_000 - now + 999) / 1000);
        return ApiException.rateLimited(what + "; retry in " + retryAfter + " s", retryAfter);
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
