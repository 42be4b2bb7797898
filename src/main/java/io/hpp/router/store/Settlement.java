package io.hpp.router.store;

import java.util.Optional;

/**
 * The end of one request: charge {@code entry.cost()}, drop the reservation (if any) and append the log row, all in
 * one transaction so that {@code used} always equals the sum of logged costs; and add the tokens to the rate-limit
 * window the request was admitted in, if it was limited (and to its key's window, if the key was). The cost also counts
 * in its key's spend for the budget period that starts at {@code keyPeriodStart} (epoch millis; 0 for a key whose
 * budget has no period): the period the request ended in.
 */
public record Settlement(Optional<Reservation> reservation, RequestLogEntry entry, Optional<Long> rateWindow,
                         Optional<Long> keyRateWindow, long keyPeriodStart) {
    public Settlement(Optional<Reservation> reservation, RequestLogEntry entry) {
        this(reservation, entry, Optional.empty());
    }

    public Settlement(Optional<Reservation> reservation, RequestLogEntry entry, Optional<Long> rateWindow) {
        this(reservation, entry, rateWindow, Optional.empty(), 0);
    }

    /**
     * This settlement with the free text of its log row cleaned (control characters replaced, lengths bounded; see
     * {@link SafeText}), for a row the database refused as it was. Ids, amounts, tokens and times are kept: the charge
     * and the release of the hold are exactly those of the original.
     */
    public Settlement cleaned() {
        RequestLogEntry e = entry;
        RequestLogEntry.Meta m = e.meta();
        RequestLogEntry clean = new RequestLogEntry(e.id(), e.consumerId(), e.keyId(), SafeText.of(e.requestedModel()),
                e.resolvedModel().map(SafeText::of), e.basket().map(SafeText::of), e.ruleId().map(SafeText::of), e.rulesVersion(),
                e.tier().map(SafeText::of), e.usage(), e.cost(), e.status(), e.errorCode().map(SafeText::of), e.streamed(),
                e.latencyMs(), e.ttftMs(), e.createdAt(),
                new RequestLogEntry.Meta(SafeText.of(m.requestId()), SafeText.of(m.endpoint()), m.upstreamMs(), m.baselineCost(),
                        m.reroutedFrom().map(SafeText::of), m.deployment().map(SafeText::of)));
        return new Settlement(reservation, clean, rateWindow, keyRateWindow, keyPeriodStart);
    }
}
