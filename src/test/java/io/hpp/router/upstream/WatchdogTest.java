package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WatchdogTest {

    /** Arms a guard on a thread of its own that sleeps until the watchdog interrupts it. */
    private static Thread sleeper(Watchdog w, Runnable onExpire) {
        return Thread.ofPlatform().start(() -> {
            try (Watchdog.Guard g = w.arm(Duration.ofMillis(10), "test")) {
                g.onExpire(onExpire);
                Thread.sleep(10_000);
            } catch (InterruptedException expected) {
                // the watchdog's interrupt
            }
        });
    }

    @Test
    void anExpiryActionThatThrowsAnErrorDoesNotStopTheWatchdog() throws Exception {
        try (Watchdog w = new Watchdog()) {
            Thread first = sleeper(w, () -> {
                throw new StackOverflowError("thrown by the test");
            });
            first.join(5_000);
            assertThat(first.isAlive()).isFalse();
            CountDownLatch expired = new CountDownLatch(1);
            Thread second = sleeper(w, expired::countDown);
            assertThat(expired.await(5, TimeUnit.SECONDS)).as("a later guard still expires").isTrue();
            second.join(5_000);
        }
    }
}
