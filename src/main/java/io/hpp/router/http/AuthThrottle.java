package io.hpp.router.http;

import io.helidon.webserver.http.ServerRequest;
import io.hpp.router.common.ApiException;
import io.hpp.router.observe.Metrics;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications (a wrong consumer key, admin token or metrics token) counted per client address in fixed
 * windows: past {@code limit} in one window, every authentication from that address is refused with 429
 * {@code rate_limited} until the window ends — unchecked, so that a guess can be neither confirmed nor refuted. A
 * missing credential is no guess and is not counted.
 * <p>
 * Memory is bounded: at most {@value #CAPACITY} addresses are tracked; when the table is full and holds no ended
 * window, further addresses share one window, which a spray of addresses then fills for all of them.
 */
final class AuthThrottle {
    static final int CAPACITY = 10_000;
    private static final String OVERFLOW = "*";

    private record Window(long start, int failures) {
    }

    private final int limit;
    private final long windowNanos;
    private final Metrics metrics;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** @param limit failures per window an address may have; 0 turns the throttle off */
    AuthThrottle(int limit, Duration window, Metrics metrics) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.metrics = metrics;
    }

    /** The address of the request's client (an IPv6 /64 as one), as connections are counted. */
    static String address(ServerRequest req) {
        GuardedConnection c = Connections.current();
        return c != null ? c.address() : Connections.address(req.remotePeer().address());
    }

    /** Refuses the request with 429 when its address has used up its failures for this window. */
    void check(String address) {
        if (limit == 0 || windows.isEmpty()) {
            return;
        }
        Window w = windows.get(address);
        if (w == null && windows.size() >= CAPACITY) {
            w = windows.get(OVERFLOW); // its failures were counted there
        }
        long now = System.nanoTime();
        if (w != null && w.failures() >= limit && now - w.start() < windowNanos) {
            metrics.edge("auth_throttled");
            long seconds = Math.max(1, (w.start() + windowNanos - now + 999_999_999L) / 1_000_000_000L);
            throw ApiException.rateLimited("Too many failed authentication attempts from this address; retry in " + seconds + " s", seconds);
        }
    }

    /** Addresses tracked now (bounded by {@value #CAPACITY}, plus the shared window). */
    int tracked() {
        return windows.size();
    }

    /** Counts a failed authentication of {@code address}. */
    void failed(String address) {
        if (limit == 0) {
            return;
        }
        long now = System.nanoTime();
        String key = address;
        if (!windows.containsKey(address) && windows.size() >= CAPACITY) {
            windows.values().removeIf(w -> now - w.start() >= windowNanos);
            key = windows.size() >= CAPACITY ? OVERFLOW : address;
        }
        windows.compute(key, (a, w) -> w == null || now - w.start() >= windowNanos ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }
}
