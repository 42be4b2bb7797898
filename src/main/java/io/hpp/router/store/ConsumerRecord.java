package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.Optional;

/** A consumer and its balances. {@code remaining = quota − used}; {@code reserved} is held by requests in flight. */
public record ConsumerRecord(String id, Optional<String> username, Optional<String> customId, Money quota, Money used,
                             Money reserved, long requests, long totalTokens, Instant createdAt, AutoTotals auto,
                             RateLimits limits) {

    /** Requests and tokens per minute the consumer may use; empty is unlimited. */
    public record RateLimits(Optional<Long> requestsPerMinute, Optional<Long> tokensPerMinute) {
        public static final RateLimits NONE = new RateLimits(Optional.empty(), Optional.empty());

        public boolean any() {
            return requestsPerMinute.isPresent() || tokensPerMinute.isPresent();
        }
    }

    /** Running totals of the consumer's {@code hpprouter/auto} traffic: what it cost, and what the top tier would have. */
    public record AutoTotals(long requests, Money cost, Money baseline) {
        public static final AutoTotals NONE = new AutoTotals(0, Money.ZERO, Money.ZERO);

        public Money saved() {
            return baseline.minus(cost);
        }
    }

    public Money remaining() {
        return quota.minus(used);
    }

    /** What a new request may still reserve: the remaining balance less the holds of requests in flight. */
    public Money available() {
        return remaining().minus(reserved);
    }
}
