package io.hpp.router.billing;

import io.hpp.router.value.Money;
import io.hpp.router.value.Price;
import io.hpp.router.value.TokenUsage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CostCalculatorTest {
    @Test
    void pricesEachTokenBucketAtItsRatePerMillion() {
        Price gpt5 = Price.of("1.25", "10", null, "0.125");
        // 1000 uncached input, 500 output, 2000 cache-read tokens
        Money cost = CostCalculator.cost(gpt5, new TokenUsage(1000, 500, 0, 2000));
        // 1000*1.25/1e6 + 500*10/1e6 + 2000*0.125/1e6 = 0.00125 + 0.005 + 0.00025
        assertThat(cost).isEqualTo(Money.ofDollars("0.0065"));
    }

    @Test
    void cacheWritesWithoutTheirOwnRateBillAtTheInputRate() {
        Price p = Price.of("3", "15");
        assertThat(CostCalculator.cost(p, new TokenUsage(0, 0, 1_000_000, 1_000_000))).isEqualTo(Money.ofDollars("6"));
    }

    @Test
    void roundsUpOnceToWholeNanoDollars() {
        Price p = Price.of("0.15", "0.6");
        // one input token costs 0.00000015 $ = 150 nano-dollars exactly; 1 token at 0.0000001/M rounds up to 1 nano
        assertThat(CostCalculator.cost(p, new TokenUsage(1, 0, 0, 0)).nanos()).isEqualTo(150);
        assertThat(CostCalculator.cost(Price.of("0.0001", "0"), new TokenUsage(1, 0, 0, 0)).nanos()).isEqualTo(1);
        assertThat(CostCalculator.cost(Price.of("0", "0"), new TokenUsage(5000, 5000, 0, 0))).isEqualTo(Money.ZERO);
    }

    @Test
    void affordableOutputStaysWithinTheBudget() {
        Price p = Price.of("1", "10");
        Money budget = Money.ofDollars("0.001");
        Money input = CostCalculator.cost(p, new TokenUsage(100, 0, 0, 0));
        long out = CostCalculator.affordableOutputTokens(p, budget, input);
        assertThat(out).isEqualTo(90);
        assertThat(CostCalculator.cost(p, new TokenUsage(100, out, 0, 0))).isLessThanOrEqualTo(budget);
        assertThat(CostCalculator.cost(p, new TokenUsage(100, out + 1, 0, 0))).isGreaterThan(budget);
        assertThat(CostCalculator.affordableOutputTokens(Price.of("0", "0"), Money.ZERO, Money.ZERO)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void moneyIsExactAndRefusesSubNanoAmounts() {
        assertThat(Money.ofDollars("0.1").plus(Money.ofDollars("0.2"))).isEqualTo(Money.ofDollars("0.3"));
        assertThat(Money.ofDollars(new BigDecimal("12.5")).dollars()).isEqualByComparingTo("12.5");
        assertThatThrownBy(() -> Money.ofDollars("0.0000000001")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9 decimal places");
    }
}
