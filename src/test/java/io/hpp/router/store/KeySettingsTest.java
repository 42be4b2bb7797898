package io.hpp.router.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeySettingsTest {
    private static KeySettings allowing(String... models) {
        return new KeySettings(Optional.empty(), Optional.empty(), Optional.empty(), List.of(models), ConsumerRecord.RateLimits.NONE, false,
                Optional.empty());
    }

    @ParameterizedTest(name = "{0} ~ {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            openai/*            | openai/gpt-5               | true
            openai/*            | openai/                    | true
            openai/*            | openaix/gpt-5              | false
            openai/*            | moonshotai/kimi-k2.6       | false
            anthropic/claude-*  | anthropic/claude-haiku-4-5 | true
            anthropic/claude-*  | anthropic/claude           | false
            openai/gpt-5        | openai/gpt-5               | true
            openai/gpt-5        | openai/gpt-5-mini          | false
            *-mini              | openai/gpt-5-mini          | true
            *-mini              | openai/gpt-5-mini-2        | false
            *                   | hpprouter/auto             | true
            a*b*c               | aXXbYYc                    | true
            a*b*c               | aXXcYYb                    | false
            **                  | x                          | true
            """)
    void patternsMatchWithStarsOnly(String pattern, String id, boolean allowed) {
        assertThat(KeySettings.matches(pattern, id)).isEqualTo(allowed);
        assertThat(allowing(pattern).allows(id)).isEqualTo(allowed);
    }

    @Test
    void anEmptyListAllowsAllAndAnAutoOnlyListLetsAutoGoAnywhere() {
        assertThat(KeySettings.NONE.allows("anything/at-all")).isTrue();
        assertThat(KeySettings.NONE.autoMayUse("openai/gpt-5")).isTrue();
        KeySettings autoOnly = allowing("hpprouter/auto");
        assertThat(autoOnly.allows("hpprouter/auto")).isTrue();
        assertThat(autoOnly.allows("openai/gpt-5")).isFalse();
        assertThat(autoOnly.autoMayUse("openai/gpt-5")).isTrue();
        KeySettings bounded = allowing("hpprouter/auto", "openai/*");
        assertThat(bounded.autoMayUse("openai/gpt-5")).isTrue();
        assertThat(bounded.autoMayUse("anthropic/claude-sonnet-4")).isFalse();
    }

    @ParameterizedTest(name = "{0} at {1}: {2} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
            daily   | 2026-12-07T13:45:00Z | 2026-12-07T00:00:00Z | 2026-12-08T00:00:00Z
            daily   | 2026-12-31T23:59:59Z | 2026-12-31T00:00:00Z | 2027-01-01T00:00:00Z
            weekly  | 2026-12-07T00:00:00Z | 2026-12-07T00:00:00Z | 2026-12-14T00:00:00Z
            weekly  | 2026-12-06T23:59:59Z | 2026-11-30T00:00:00Z | 2026-12-07T00:00:00Z
            monthly | 2026-12-07T13:45:00Z | 2026-12-01T00:00:00Z | 2027-01-01T00:00:00Z
            monthly | 2028-02-29T12:00:00Z | 2028-02-01T00:00:00Z | 2028-03-01T00:00:00Z
            """)
    void periodsStartAndTurnAtUtcBoundaries(String period, String at, String start, String next) {
        BudgetPeriod p = BudgetPeriod.of(period).orElseThrow();
        assertThat(p.start(Instant.parse(at))).isEqualTo(Instant.parse(start));
        assertThat(p.next(Instant.parse(at))).isEqualTo(Instant.parse(next));
        assertThat(p.start(Instant.parse(next).minusMillis(1))).as("the last millisecond of the period").isEqualTo(Instant.parse(start));
        assertThat(p.start(Instant.parse(next))).as("the first of the next").isEqualTo(Instant.parse(next));
    }

    @Test
    void aBudgetWithoutPeriodNeverResets() {
        KeySettings lifetime = new KeySettings(Optional.empty(), Optional.of(io.hpp.router.value.Money.ofDollars("1")), Optional.empty(),
                List.of(), ConsumerRecord.RateLimits.NONE, false, Optional.empty());
        assertThat(lifetime.periodStart(Instant.now())).isZero();
        assertThat(lifetime.resetsAt(Instant.now())).isEmpty();
        assertThat(BudgetPeriod.of("yearly")).isEmpty();
    }
}
