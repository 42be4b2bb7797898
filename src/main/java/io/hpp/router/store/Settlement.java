package io.hpp.router.store;

import java.util.Optional;

/**
 * The end of one request: charge {@code entry.cost()}, drop the reservation (if any) and append the log row, all in
 * one transaction so that {@code used} always equals the sum of logged costs; and add the tokens to the rate-limit
 * window the request was admitted in, if it was limited.
 */
public record Settlement(Optional<Reservation> reservation, RequestLogEntry entry, Optional<Long> rateWindow) {
    public Settlement(Optional<Reservation> reservation, RequestLogEntry entry) {
        this(reservation, entry, Optional.empty());
    }
}
