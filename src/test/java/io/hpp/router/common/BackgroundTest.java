package io.hpp.router.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundTest {

    @Test
    void aScheduledTaskThatThrowsAnErrorStillRunsOnTheNextTick() throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch third = new CountDownLatch(3);
            ticker.scheduleWithFixedDelay(Background.guarded("test task", () -> {
                third.countDown();
                switch (runs.incrementAndGet()) {
                    case 1 -> throw new OutOfMemoryError("thrown by the test");
                    case 2 -> throw new IllegalStateException("thrown by the test");
                    default -> { }
                }
            }), 0, 10, TimeUnit.MILLISECONDS);
            assertThat(third.await(5, TimeUnit.SECONDS)).as("ran again after an Error and an exception").isTrue();
        } finally {
            ticker.shutdownNow();
        }
    }
}
