package io.hpp.router.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
    private final AtomicLong now = new AtomicLong();
    private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(10), Duration.ofSeconds(30), now::get, t -> { });

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void opensAfterEnoughFailuresInTheWindowProbesOnceThenCloses() {
        breakers.failure("m", Optional.empty());
        breakers.failure("m", Optional.empty());
        assertThat(breakers.allow("m")).isTrue();
        breakers.failure("m", Optional.empty());
        assertThat(breakers.state("m")).isEqualTo(CircuitBreakers.State.OPEN);
        assertThat(breakers.allow("m")).isFalse();
        advance(Duration.ofSeconds(29));
        assertThat(breakers.allow("m")).isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(breakers.allow("m")).as("the probe").isTrue();
        assertThat(breakers.allow("m")).as("only one probe at a time").isFalse();
        breakers.success("m");
        assertThat(breakers.state("m")).isEqualTo(CircuitBreakers.State.CLOSED);
        assertThat(breakers.allow("m")).isTrue();
    }

    @Test
    void aProbeThatEndsInNeitherLetsTheNextRequestProbe() {
        for (int i = 0; i < 3; i++) {
            breakers.failure("m", Optional.empty());
        }
        advance(Duration.ofSeconds(30));
        assertThat(breakers.allow("m")).as("the probe").isTrue();
        breakers.neither("m"); // e.g. the provider refused the request itself, or its answer found no memory
        assertThat(breakers.state("m")).isEqualTo(CircuitBreakers.State.HALF_OPEN);
        assertThat(breakers.allow("m")).as("a new probe, not a circuit stuck half-open").isTrue();
        assertThat(breakers.allow("m")).isFalse();
        breakers.success("m");
        assertThat(breakers.state("m")).isEqualTo(CircuitBreakers.State.CLOSED);
    }

    @Test
    void aFailedProbeOpensItAgainAndOldFailuresFallOutOfTheWindow() {
        breakers.failure("m", Optional.empty());
        breakers.failure("m", Optional.empty());
        advance(Duration.ofSeconds(11));
        breakers.failure("m", Optional.empty());
        assertThat(breakers.state("m")).as("two of the three are older than the window").isEqualTo(CircuitBreakers.State.CLOSED);
        breakers.failure("m", Optional.empty());
        breakers.failure("m", Optional.empty());
        assertThat(breakers.state("m")).isEqualTo(CircuitBreakers.State.OPEN);
        advance(Duration.ofSeconds(30));
        assertThat(breakers.allow("m")).isTrue();
        breakers.failure("m", Optional.empty());
        assertThat(breakers.state("m")).isEqualTo(CircuitBreakers.State.OPEN);
        assertThat(breakers.allow("m")).isFalse();
    }

    @Test
    void retryAfterLongerThanTheCooldownIsHonoured() {
        for (int i = 0; i < 3; i++) {
            breakers.failure("m", Optional.of(Duration.ofSeconds(120)));
        }
        advance(Duration.ofSeconds(31));
        assertThat(breakers.allow("m")).isFalse();
        advance(Duration.ofSeconds(90));
        assertThat(breakers.allow("m")).isTrue();
        assertThat(breakers.state("other")).isEqualTo(CircuitBreakers.State.CLOSED);
    }
}
