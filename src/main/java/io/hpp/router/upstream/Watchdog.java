package io.hpp.router.upstream;

import io.hpp.router.common.Background;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Enforces first-byte and idle timeouts on blocking upstream calls: a guard carries a deadline that each read moves
 * forward; one shared thread checks all guards every few milliseconds and interrupts the calling (virtual) thread of
 * an expired one, which closes its socket. Costs one volatile write per read.
 */
public final class Watchdog implements AutoCloseable {
    private static final long TICK_MILLIS = 20;

    private final Set<Guard> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hpp-upstream-watchdog").daemon(true).factory());

    public Watchdog() {
        ticker.scheduleAtFixedRate(Background.guarded("upstream watchdog tick", this::tick), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Starts guarding the current thread with a first deadline. */
    public Guard arm(Duration timeout, String phase) {
        Guard g = new Guard(Thread.currentThread());
        g.extend(timeout, phase);
        active.add(g);
        return g;
    }

    private void tick() {
        long now = System.nanoTime();
        for (Guard g : active) {
            if (now - g.deadline > 0) {
                // one guard's failing expiry action (closing a socket) must not spare the others this tick
                Background.guarded("expiring an upstream call", g::expire).run();
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** The deadline of one call. */
    public final class Guard implements AutoCloseable {
        private final Thread thread;
        private volatile long deadline;
        private volatile String phase = "";
        private volatile Runnable onExpire = () -> { };
        private boolean expired;
        private boolean closed;

        private Guard(Thread thread) {
            this.thread = thread;
        }

        public void extend(Duration timeout, String phase) {
            this.phase = phase;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        /** Also run when the deadline passes: closing the call's socket unblocks a read on any kind of thread. */
        public void onExpire(Runnable action) {
            this.onExpire = action;
        }

        private synchronized void expire() {
            if (!closed && !expired) {
                expired = true;
                thread.interrupt();
                onExpire.run();
            }
        }

        public synchronized boolean expired() {
            return expired;
        }

        public String phase() {
            return phase;
        }

        /** Stops guarding; clears an interrupt this guard caused so that it cannot leak into later work. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                active.remove(this);
                if (expired && Thread.currentThread() == thread) {
                    Thread.interrupted();
                }
            }
        }
    }
}
