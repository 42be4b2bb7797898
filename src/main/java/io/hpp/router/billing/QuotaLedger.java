package io.hpp.router.billing;

import io.hpp.router.ApiException;
import io.hpp.router.config.RouterConfig.OverflowPolicy;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.Reservation;
import io.hpp.router.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Holds a request's worst-case cost before any provider is called, so a balance is never overspent. The common case
 * is one conditional hold (PostgreSQL: one statement; SQLite: in memory against the stored balance) priced from the
 * cheap input bound; only when that fails does it read the balance, run
 * the tokenizer for a tighter input estimate and, by policy, lower the output cap to what the consumer can afford.
 */
public final class QuotaLedger {
    private static final int RACE_RETRIES = 3;

    private final Store store;
    private final OverflowPolicy policy;
    private final Duration holdLifetime;

    /** @param holdLifetime how long a hold outlives a node that never settles it (the sweeper releases it then) */
    public QuotaLedger(Store store, OverflowPolicy policy, Duration holdLifetime) {
        this.store = store;
        this.policy = policy;
        this.holdLifetime = holdLifetime;
    }

    /** Money held for one request, and the output cap to send upstream when it had to be lowered. */
    public record Hold(Reservation reservation, Optional<Long> loweredOutputCap) {
    }

    /**
     * @param inputBound  cheap upper bound of input tokens
     * @param tightInput  tokenizer estimate of input tokens (called only when needed)
     * @param outputCap   the most output tokens the provider may produce
     */
    public Hold reserve(String consumerId, Price price, long inputBound, LongSupplier tightInput, long outputCap) {
        return reserve(consumerId, price, inputBound, tightInput, outputCap, true);
    }

    /**
     * As above; with {@code capAdjustable} false (image generation: the output is fixed by size and quality) the
     * output cap is never lowered and a balance that cannot cover it is refused.
     */
    public Hold reserve(String consumerId, Price price, long inputBound, LongSupplier tightInput, long outputCap, boolean capAdjustable) {
        Money worst = CostCalculator.cost(price, new TokenUsage(inputBound, outputCap, 0, 0));
        Reservation first = reservation(consumerId, worst);
        if (store.reserve(first, worst)) {
            return new Hold(first, Optional.empty());
        }
        long input = tightInput.getAsLong();
        for (int attempt = 0; attempt < RACE_RETRIES; attempt++) {
            ConsumerRecord c = store.consumer(consumerId).orElseThrow(() -> exhausted());
            Money available = c.available();
            if (!available.isPositive()) {
                throw exhausted();
            }
            Money inputCost = CostCalculator.cost(price, new TokenUsage(input, 0, 0, 0));
            Money tight = CostCalculator.cost(price, new TokenUsage(input, outputCap, 0, 0));
            Optional<Long> lowered = Optional.empty();
            Money amount = tight;
            Money mustRemain = tight;
            if (available.compareTo(tight) < 0) {
                OverflowPolicy effective = !capAdjustable && policy == OverflowPolicy.CAP_OUTPUT ? OverflowPolicy.REJECT : policy;
                switch (effective) {
                    case REJECT -> throw exhausted();
                    case CAP_OUTPUT -> {
                        long affordable = CostCalculator.affordableOutputTokens(price, available, inputCost);
                        if (affordable < 1) {
                            throw exhausted();
                        }
                        lowered = Optional.of(Math.min(affordable, outputCap));
                        amount = CostCalculator.cost(price, new TokenUsage(input, lowered.get(), 0, 0));
                        mustRemain = amount;
                    }
                    case CHECK_ONLY -> {
                        amount = available;
                        mustRemain = new Money(1);
                    }
                }
            }
            Reservation r = reservation(consumerId, amount);
            if (store.reserve(r, mustRemain)) {
                return new Hold(r, lowered);
            }
        }
        throw exhausted();
    }

    private Reservation reservation(String consumerId, Money amount) {
        return new Reservation(io.hpp.router.Ids.uuid(), consumerId, amount, Instant.now().plus(holdLifetime));
    }

    private static ApiException exhausted() {
        return new ApiException(429, "quota_exceeded", "Quota exceeded: top up the consumer's balance to continue");
    }
}
