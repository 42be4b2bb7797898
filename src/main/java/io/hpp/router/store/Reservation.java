package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.Optional;

/**
 * Money held for one request in flight; released by settlement, or by the reaper once it expires. A hold that also
 * counts against its key's budget names the key and the start of the key's budget period ({@code periodStart}, epoch
 * millis; 0 for a budget without a period).
 */
public record Reservation(String id, String consumerId, Money amount, Instant expiresAt, Optional<String> keyId, long periodStart) {
    public Reservation(String id, String consumerId, Money amount, Instant expiresAt) {
        this(id, consumerId, amount, expiresAt, Optional.empty(), 0);
    }
}
