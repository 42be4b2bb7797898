package io.hpp.router.upstream;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kept-alive connections to one provider origin (http or https), opened by its {@link Transport} (directly or through
 * a proxy's tunnel, which is kept alive the same way). The most recently used idle connection is handed out
 * first, so a burst's extra connections age out; one idle longer than {@code keepAlive} is closed instead of reused,
 * since providers close idle connections on their side too.
 */
final class ConnectionPool implements AutoCloseable {
    private final String host;
    private final int port;
    private final boolean tls;
    private final String hostHeader;
    private final int connectTimeoutMillis;
    private final long keepAliveNanos;
    private final int maxIdle;
    private final Transport transport;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<HttpConnection> idle = new ArrayDeque<>();
    /** Connections opened and not closed yet: idle ones, and those carrying a request. */
    private final AtomicInteger open = new AtomicInteger();
    private boolean closed;

    ConnectionPool(URI origin, Duration connectTimeout, Duration keepAlive, int maxIdle, Transport transport) {
        this.tls = "https".equalsIgnoreCase(origin.getScheme());
        if (!tls && !"http".equalsIgnoreCase(origin.getScheme())) {
            throw new IllegalArgumentException("provider URLs must be http or https: " + origin);
        }
        this.host = origin.getHost();
        int defaultPort = tls ? 443 : 80;
        this.port = origin.getPort() < 0 ? defaultPort : origin.getPort();
        String hostName = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        this.hostHeader = port == defaultPort ? hostName : hostName + ":" + port;
        this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        this.keepAliveNanos = keepAlive.toNanos();
        this.maxIdle = maxIdle;
        this.transport = transport;
    }

    /**
     * A kept-alive connection that is still young enough and done with its previous answer, or a new one. One whose
     * previous answer's last bytes have not arrived yet goes back to the least recently used end, to be tried later.
     */
    HttpConnection acquire() throws IOException {
        long now = System.nanoTime();
        List<HttpConnection> notYet = null;
        try {
            while (true) {
                HttpConnection c;
                lock.lock();
                try {
                    c = idle.pollFirst();
                } finally {
                    lock.unlock();
                }
                if (c == null) {
                    return open();
                }
                if (now - c.idleSince() >= keepAliveNanos || !c.isOpen()) {
                    c.close();
                    continue;
                }
                switch (c.finishPrevious()) {
                    case READY -> {
                        return c;
                    }
                    case NOT_YET -> (notYet == null ? notYet = new java.util.ArrayList<>() : notYet).add(c);
                    case UNUSABLE -> c.close();
                }
            }
        } finally {
            if (notYet != null) {
                putBack(notYet);
            }
        }
    }

    private void putBack(List<HttpConnection> connections) {
        lock.lock();
        try {
            for (HttpConnection c : connections) {
                if (closed) {
                    c.close();
                } else {
                    idle.addLast(c);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A new connection, never a pooled one (the retry after a stale keep-alive). */
    HttpConnection open() throws IOException {
        Socket socket = transport.open(host, port, tls, connectTimeoutMillis);
        try {
            HttpConnection c = new HttpConnection(socket, this, hostHeader);
            open.incrementAndGet();
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Takes back a connection whose answer was read to the end. */
    void release(HttpConnection c) {
        lock.lock();
        try {
            long now = System.nanoTime();
            // the least recently used end is where connections grow old; close those past the keep-alive
            for (HttpConnection old = idle.peekLast(); old != null && now - old.idleSince() >= keepAliveNanos; old = idle.peekLast()) {
                idle.pollLast().close();
            }
            if (!closed && idle.size() < maxIdle) {
                c.markIdle(now);
                idle.addFirst(c);
                return;
            }
        } finally {
            lock.unlock();
        }
        c.close();
    }

    /** A connection of this pool was closed (called once per connection). */
    void closed() {
        open.decrementAndGet();
    }

    /** Connections open now; more than {@link #idleCount()} only while requests are under way, unless one leaked. */
    int openCount() {
        return open.get();
    }

    /** Idle connections kept for reuse. */
    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            idle.forEach(HttpConnection::close);
            idle.clear();
        } finally {
            lock.unlock();
        }
    }
}
