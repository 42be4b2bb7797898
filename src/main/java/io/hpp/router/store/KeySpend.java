package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.Optional;

/**
 * A key's money and traffic. {@code spent} is its spend in the period that starts at {@code periodStart} (epoch
 * millis; 0 for a budget without a period); {@code reserved} is held by its requests in flight; the totals are for
 * its whole life.
 */
public record KeySpend(String keyId, long periodStart, Money spent, Money reserved, Money totalSpent, long requests,
                       long totalTokens, Optional<Instant> lastUsedAt) {
    /** The spend in the period that starts at {@code currentStart}: none yet if the stored spend is an earlier period's. */
    public Money spentIn(long currentStart) {
        return periodStart < currentStart ? Money.ZERO : spent;
    }
}
