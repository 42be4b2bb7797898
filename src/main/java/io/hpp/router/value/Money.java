package io.hpp.router.value;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact amount of US dollars held as integer nano-dollars (1e-9 USD). Never floating point.
 */
public record Money(long nanos) implements Comparable<Money> {
    public static final Money ZERO = new Money(0);
    private static final BigDecimal NANOS_PER_DOLLAR = BigDecimal.valueOf(1_000_000_000L);

    /** Parses dollars exactly; more than nine decimal places is rejected rather than rounded. */
    public static Money ofDollars(BigDecimal dollars) {
        BigDecimal nanos = dollars.multiply(NANOS_PER_DOLLAR);
        try {
            return new Money(nanos.setScale(0, RoundingMode.UNNECESSARY).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "amount " + dollars.toPlainString() + " must have at most 9 decimal places and fit in 64 bits of nano-dollars");
        }
    }

    public static Money ofDollars(String dollars) {
        return ofDollars(new BigDecimal(dollars));
    }

    public BigDecimal dollars() {
        // scale 9 is nanos exactly: no division (BigDecimal.divide was 10% of the bytes allocated per request)
        return nanos == 0 ? BigDecimal.ZERO : BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }

    public Money plus(Money other) {
        return new Money(Math.addExact(nanos, other.nanos));
    }

    public Money minus(Money other) {
        return new Money(Math.subtractExact(nanos, other.nanos));
    }

    public boolean isPositive() {
        return nanos > 0;
    }

    @Override
    public int compareTo(Money o) {
        return Long.compare(nanos, o.nanos);
    }

    @Override
    public String toString() {
        return "$" + dollars().toPlainString();
    }
}
