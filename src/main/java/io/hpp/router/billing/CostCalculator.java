package io.hpp.router.billing;

import io.hpp.router.value.Money;
import io.hpp.router.value.Price;
import io.hpp.router.value.TokenUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Prices token usage exactly. Rates are USD per 1M tokens; the sum is rounded up once, to whole nano-dollars.
 */
public final class CostCalculator {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000L);

    private CostCalculator() {
    }

    public static Money cost(Price price, TokenUsage usage) {
        BigDecimal dollars = price.input().multiply(BigDecimal.valueOf(usage.input()))
                .add(price.output().multiply(BigDecimal.valueOf(usage.output())))
                .add(price.cacheWriteOrInput().multiply(BigDecimal.valueOf(usage.cacheWrite())))
                .add(price.cacheReadOrInput().multiply(BigDecimal.valueOf(usage.cacheRead())))
                .movePointLeft(6);   // per 1M tokens: exact, without BigDecimal.divide's trial divisions
        return Money.ofDollars(dollars.setScale(9, RoundingMode.CEILING));
    }

    /**
     * As {@link #cost}, but an amount beyond 64 bits of nano-dollars (about $9.2 billion) is that largest amount: for
     * bounds (holds, the ceiling of a charge), where "more than anyone holds" is the answer, not a failure.
     */
    public static Money costOrMax(Price price, TokenUsage usage) {
        try {
            return cost(price, usage);
        } catch (IllegalArgumentException e) {
            return new Money(Long.MAX_VALUE);
        }
    }

    /**
     * The largest number of output tokens whose cost, together with {@code inputCost}, stays within {@code budget};
     * {@code Long.MAX_VALUE} when output is free.
     */
    public static long affordableOutputTokens(Price price, Money budget, Money inputCost) {
        if (price.output().signum() == 0) {
            return Long.MAX_VALUE;
        }
        BigDecimal left = budget.minus(inputCost).dollars();
        if (left.signum() <= 0) {
            return 0;
        }
        return left.multiply(MILLION).divide(price.output(), 0, RoundingMode.FLOOR).longValue();
    }
}
