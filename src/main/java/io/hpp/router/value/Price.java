package io.hpp.router.value;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Rates of one model in US dollars per 1M tokens. Cache rates are optional: a model without them bills cached
 * tokens at the plain input rate.
 */
public record Price(BigDecimal input, BigDecimal output, Optional<BigDecimal> cacheWrite, Optional<BigDecimal> cacheRead) {
    public Price {
        requireRate(input, "input");
        requireRate(output, "output");
        cacheWrite.ifPresent(r -> requireRate(r, "cache_write"));
        cacheRead.ifPresent(r -> requireRate(r, "cache_read"));
    }

    public static Price of(String input, String output) {
        return new Price(new BigDecimal(input), new BigDecimal(output), Optional.empty(), Optional.empty());
    }

    public static Price of(String input, String output, String cacheWrite, String cacheRead) {
        return new Price(new BigDecimal(input), new BigDecimal(output),
                Optional.ofNullable(cacheWrite).map(BigDecimal::new), Optional.ofNullable(cacheRead).map(BigDecimal::new));
    }

    /** A price at least as high as each of {@code prices} in every rate: a safe bound when the model is not known yet. */
    public static Price ceiling(java.util.List<Price> prices) {
        BigDecimal in = BigDecimal.ZERO;
        BigDecimal out = BigDecimal.ZERO;
        BigDecimal write = BigDecimal.ZERO;
        BigDecimal read = BigDecimal.ZERO;
        for (Price p : prices) {
            in = in.max(p.input());
            out = out.max(p.output());
            write = write.max(p.cacheWriteOrInput());
            read = read.max(p.cacheReadOrInput());
        }
        return new Price(in, out, Optional.of(write), Optional.of(read));
    }

    /**
     * The same output rate, with every input token at the dearest of the input, cache-write and cache-read rates: for a
     * hold, made before the provider says how it splits the input (Anthropic's cache writes cost 1.25 times its input).
     */
    public Price withDearestInput() {
        BigDecimal in = input.max(cacheWriteOrInput()).max(cacheReadOrInput());
        return new Price(in, output, Optional.empty(), Optional.empty());
    }

    public BigDecimal cacheWriteOrInput() {
        return cacheWrite.orElse(input);
    }

    public BigDecimal cacheReadOrInput() {
        return cacheRead.orElse(input);
    }

    private static void requireRate(BigDecimal rate, String name) {
        if (rate == null || rate.signum() < 0) {
            throw new IllegalArgumentException("price '" + name + "' must be a non-negative number of USD per 1M tokens, got " + rate);
        }
        if (rate.scale() > 9) {
            throw new IllegalArgumentException("price '" + name + "' must have at most 9 decimal places, got " + rate.toPlainString());
        }
    }
}
