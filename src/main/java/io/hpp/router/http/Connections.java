package io.hpp.router.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.observe.Metrics;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's HTTP/1 connections, as Helidon hands them over on accept: each is counted against its client address
 * and wrapped in a {@link GuardedConnection} whose deadlines one sweeper thread enforces.
 * <p>
 * Helidon 4.5 has no deadline for a request's headers or body: its idle check ({@code idleConnectionTimeout}) runs
 * every 2 minutes by default and interrupts only a connection waiting for a request line, and its socket
 * {@code readTimeout} is applied to client sockets only. Nor does it count connections per address. It does let a
 * listener choose its connection selector, and with ours the only one, Helidon asks it for every connection before
 * reading a byte.
 */
final class Connections implements ServerConnectionSelector {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    /** How long a connection past its address's limit may take to send the request it is answered 429 on. */
    private static final Duration REFUSED_GRACE = Duration.ofMillis(500);
    private static final ThreadLocal<GuardedConnection> CURRENT = new ThreadLocal<>();

    private final ServerConnectionSelector http1 = Http1ConnectionSelector.builder().config(Http1Config.create()).build();
    private final RouterConfig.Edge limits;
    private final Metrics metrics;
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Set<GuardedConnection> open = ConcurrentHashMap.newKeySet();
    private final long origin = System.nanoTime();
    private final long tickNanos;
    private volatile Thread sweeper;

    Connections(RouterConfig.Edge limits, Metrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
        long shortest = Math.min(limits.headerTimeout().toNanos(), Math.min(limits.idleTimeout().toNanos(), limits.bodyTimeout().toNanos()));
        // a deadline is kept within a quarter of the shortest timeout, and within 250 ms
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(shortest / 4, TimeUnit.MILLISECONDS.toNanos(250)));
    }

    /** The connection the calling thread serves (Helidon serves an HTTP/1 connection on one thread), or null. */
    static GuardedConnection current() {
        return CURRENT.get();
    }

    static void enter(GuardedConnection c) {
        CURRENT.set(c);
    }

    static void leave() {
        CURRENT.remove();
    }

    RouterConfig.Edge limits() {
        return limits;
    }

    /** Nanoseconds on the sweeper's clock (never near overflow, so that {@link GuardedConnection#NONE} is later than any). */
    long now() {
        return System.nanoTime() - origin;
    }

    /** Starts the sweeper; once, however many listeners share these connections. */
    synchronized void start() {
        if (sweeper == null) {
            sweeper = Thread.ofPlatform().name("hpp-edge-deadlines").daemon(true).start(this::sweep);
        }
    }

    synchronized void stop() {
        if (sweeper != null) {
            sweeper.interrupt();
            sweeper = null;
        }
    }

    private void sweep() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                TimeUnit.NANOSECONDS.sleep(tickNanos);
            } catch (InterruptedException e) {
                return;
            }
            long now = now();
            for (GuardedConnection c : open) {
                try {
                    c.expire(now);
                } catch (RuntimeException e) {
                    LOG.warn("closing a connection at its deadline failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        String address = address(ctx.remotePeer().address());
        boolean admitted = admit(address);
        if (!admitted) {
            metrics.edge("connections_per_address");
        }
        long deadline = now() + (admitted ? limits.headerTimeout() : REFUSED_GRACE).toNanos();
        GuardedConnection c = new GuardedConnection(http1.connection(ctx), ctx, this, address, !admitted, deadline);
        open.add(c);
        return c;
    }

    /** Counts a connection against its address, unless the address holds its limit already. */
    boolean admit(String address) {
        boolean[] admitted = new boolean[1];
        perAddress.compute(address, (a, n) -> {
            int held = n == null ? 0 : n;
            if (held >= limits.maxConnectionsPerAddress()) {
                return n;
            }
            admitted[0] = true;
            return held + 1;
        });
        return admitted[0];
    }

    void closed(GuardedConnection c, boolean refused) {
        if (open.remove(c) && !refused) {
            release(c.address());
        }
    }

    void release(String address) {
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections open now (for a gauge). */
    int openCount() {
        return open.size();
    }

    void timedOut(String reason) {
        metrics.edge(reason);
    }

    /** The address a client is counted by: an IPv4 address, or the /64 prefix of an IPv6 one (one host's usual share). */
    static String address(SocketAddress socket) {
        if (!(socket instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(socket);
        }
        InetAddress a = inet.getAddress();
        if (a instanceof Inet6Address) {
            return HexFormat.of().formatHex(a.getAddress(), 0, 8) + "::/64";
        }
        return a.getHostAddress();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData request) {
        return http1.supports(request);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }
}
