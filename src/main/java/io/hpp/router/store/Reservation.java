package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;

/** Money held for one request in flight; released by settlement, or by the reaper once it expires. */
public record Reservation(String id, String consumerId, Money amount, Instant expiresAt) {
}
