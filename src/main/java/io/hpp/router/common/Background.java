package io.hpp.router.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work (schedules, worker threads) that must outlive any failure of one of its runs. A scheduled executor
 * cancels a schedule for good once a run throws, and a thread ends at its first uncaught throwable, so a single
 * {@code Error} (a {@code StackOverflowError} on one odd input, an {@code OutOfMemoryError} under a burst) would stop
 * the hold sweep, the upstream timeouts or settlement for the rest of the process's life. Every throwable is logged
 * and the work goes on; after an {@code OutOfMemoryError} too, since the allocation that failed is usually gone with
 * the run that made it.
 */
public final class Background {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);

    private Background() {
    }

    /** {@code task}, made to log whatever it throws instead of passing it on. */
    public static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                report(what, t);
            }
        };
    }

    /** Logs a throwable that a background task caught to keep going; never throws. */
    public static void report(String what, Throwable t) {
        try {
            if (t instanceof Error) {
                LOG.error("{} failed, going on: {}", what, t.toString(), t);
            } else {
                LOG.warn("{} failed, going on: {}", what, t.toString());
            }
        } catch (Throwable ignored) {
            // logging itself failed (out of memory): going on matters more than this one line
        }
    }
}
