package io.hpp.router.provider;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One breaker per target (provider + model). {@code failures} retryable failures within {@code window} open it for
 * {@code cooldown} (or the provider's Retry-After, if longer); after that one request probes it: success closes it,
 * failure opens it again. While open, requests skip the target (to a fallback) instead of waiting on it.
 */
public final class CircuitBreakers {
    /** The state of one target. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failures;
    private final long windowNanos;
    private final long cooldownNanos;
    private final LongSupplier clock;
    private final Consumer<String> onNewTarget;
    private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();

    public CircuitBreakers(int failures, Duration window, Duration cooldown, Consumer<String> onNewTarget) {
        this(failures, window, cooldown, System::nanoTime, onNewTarget);
    }

    CircuitBreakers(int failures, Duration window, Duration cooldown, LongSupplier clock, Consumer<String> onNewTarget) {
        this.failures = failures;
        this.windowNanos = window.toNanos();
        this.cooldownNanos = cooldown.toNanos();
        this.clock = clock;
        this.onNewTarget = onNewTarget;
    }

    /** May a request go to {@code target} now? In half-open state only the one probe may. */
    public boolean allow(String target) {
        return breaker(target).allow();
    }

    public void success(String target) {
        breaker(target).success();
    }

    /**
     * A call that ended neither in a success nor in a failure that says the target is unwell (the request's own fault,
     * the router's answer memory, a client gone): counted as neither, but a probe it was ends, so the next can run.
     */
    public void neither(String target) {
        breaker(target).neither();
    }

    /** A failure that says the target is unwell (retryable); other failures are the request's fault and not counted. */
    public void failure(String target, Optional<Duration> retryAfter) {
        breaker(target).failure(retryAfter);
    }

    /**
     * Whether a request to {@code target} would be let through now (closed, or open past its cooldown, or half-open with
     * its probe not taken), without taking the probe: for ordering a model's deployments, not for admitting a request.
     */
    public boolean available(String target) {
        Breaker b = breakers.get(target);
        return b == null || b.available();
    }

    public State state(String target) {
        Breaker b = breakers.get(target);
        return b == null ? State.CLOSED : b.state();
    }

    private Breaker breaker(String target) {
        Breaker b = breakers.get(target);
        if (b == null) {
            // only the thread whose breaker went in announces the target (the gauge is registered once)
            Breaker fresh = new Breaker();
            b = breakers.putIfAbsent(target, fresh);
            if (b == null) {
                b = fresh;
                onNewTarget.accept(target);
            }
        }
        return b;
    }

    private final class Breaker {
        private final Deque<Long> recent = new ArrayDeque<>();
        private State state = State.CLOSED;
        private long openUntil;
        private boolean probing;

        synchronized boolean allow() {
            long now = clock.getAsLong();
            if (state == State.OPEN && now - openUntil >= 0) {
                state = State.HALF_OPEN;
                probing = false;
            }
            if (state == State.HALF_OPEN && !probing) {
                probing = true;
                return true;
            }
            return state == State.CLOSED;
        }

        synchronized boolean available() {
            return switch (state) {
                case CLOSED -> true;
                case OPEN -> clock.getAsLong() - openUntil >= 0;
                case HALF_OPEN -> !probing;
            };
        }

        synchronized void success() {
            state = State.CLOSED;
            probing = false;
            recent.clear();
        }

        synchronized void neither() {
            probing = false;
        }

        synchronized void failure(Optional<Duration> retryAfter) {
            long now = clock.getAsLong();
            long cooldown = Math.max(cooldownNanos, retryAfter.map(Duration::toNanos).orElse(0L));
            if (state == State.HALF_OPEN) {
                open(now, cooldown);
                return;
            }
            recent.addLast(now);
            while (!recent.isEmpty() && now - recent.peekFirst() > windowNanos) {
                recent.removeFirst();
            }
            if (recent.size() >= failures) {
                open(now, cooldown);
            }
        }

        private void open(long now, long cooldown) {
            state = State.OPEN;
            openUntil = now + cooldown;
            probing = false;
            recent.clear();
        }

        synchronized State state() {
            return state;
        }
    }
}
