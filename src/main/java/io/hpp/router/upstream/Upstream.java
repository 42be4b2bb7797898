package io.hpp.router.upstream;

import io.hpp.router.config.ProviderConfig;
import io.hpp.router.wire.BodyParts;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to one provider: JSON POSTs over kept-alive connections ({@link ConnectionPool}, {@link HttpConnection}, opened
 * by a {@link Transport}: directly or through a proxy) and
 * the provider's timeouts (connect, first byte, idle between reads). A request that finds its kept-alive connection
 * closed by the provider is sent once more on a new connection, before any answer was read.
 */
public final class Upstream implements AutoCloseable {
    /** Idle connections are closed after this long; providers' own keep-alive limits are longer. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(20);
    private static final int MAX_IDLE = 256;
    /** The idle deadline while an answer waits for memory: the budget bounds that wait itself. */
    private static final Duration WAIT_FOR_MEMORY = Duration.ofHours(1);
    /** A qualified Java name or an exception's simple name, as {@code Throwable.toString()} puts in a message. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(?:java|javax|jdk|sun|com|org|io)\\.[a-z]+\\.|[A-Za-z]+(?:Exception|Error)\\b");
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final String provider;
    private final ProviderConfig config;
    private final ConnectionPool pool;
    private final String pathPrefix;
    private final Watchdog watchdog;

    /** A client that reaches the provider as the environment says ({@link Transport#fromEnvironment}). */
    public Upstream(ProviderConfig config, Watchdog watchdog) {
        this(config, watchdog, Transport.fromEnvironment(System.getenv(), config.baseUrl()));
    }

    /** A client that opens its connections with {@code transport} (directly, through a proxy, with extra CAs). */
    public Upstream(ProviderConfig config, Watchdog watchdog, Transport transport) {
        this.provider = config.name();
        this.config = config;
        this.watchdog = watchdog;
        URI base = config.baseUrl();
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.pool = new ConnectionPool(base, config.connectTimeout(), KEEP_ALIVE, MAX_IDLE, transport);
        if (transport.proxied()) {
            LOG.info("{} is reached {}", provider, transport);
        }
    }

    public String provider() {
        return provider;
    }

    /** Connections to the provider open now: idle ones, and those carrying a request. */
    public int openConnections() {
        return pool.openCount();
    }

    /** Idle connections kept for reuse. */
    public int idleConnections() {
        return pool.idleCount();
    }

    /** Sends {@code body} to {@code path} (relative to the base URL) and waits for the status line and headers. */
    public Exchange post(String path, Map<String, String> headers, byte[] body) {
        return post(path, headers, BodyParts.of(body));
    }

    /** The same, with a body made of parts (see {@link BodyParts}). */
    public Exchange post(String path, Map<String, String> headers, BodyParts body) {
        Watchdog.Guard guard = watchdog.arm(config.firstByteTimeout(), "first byte");
        HttpConnection conn = null;
        try {
            Map<String, String> all = new LinkedHashMap<>(headers.size() + 2);
            all.put("Content-Type", "application/json");
            all.put("Accept", "application/json, text/event-stream");
            all.putAll(headers);
            String target = pathPrefix + path;
            conn = pool.acquire();
            guard.onExpire(conn::close);
            HttpConnection.Response res;
            try {
                res = conn.post(target, all, body);
            } catch (HttpConnection.StaleConnectionException stale) {
                if (guard.expired()) {
                    throw stale;
                }
                conn.close();
                conn = pool.open();
                guard.onExpire(conn::close);
                res = conn.post(target, all, body);
            }
            guard.extend(config.idleTimeout(), "idle");
            return new Exchange(conn, res, guard);
        } catch (IOException | RuntimeException e) {
            if (conn != null) {
                conn.close();
            }
            guard.close();
            throw failure(e, guard);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * The provider failure for an I/O failure: a timeout, an answer that could not be read ({@code bad_response}), or a
     * connection that failed. Its message reaches the client, so it names no Java class; the debug log has the cause.
     */
    private ProviderException failure(Throwable e, Watchdog.Guard guard) {
        if (guard.expired()) {
            return ProviderException.timeout(provider, guard.phase());
        }
        LOG.debug("{} failed", provider, e);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MalformedAnswerException) {
                return ProviderException.badResponse(provider, t.getMessage());
            }
            if (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect")) {
                return ProviderException.timeout(provider, "connect");
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return ProviderException.timeout(provider, "read");
            }
            if (t instanceof UnknownHostException) {
                return ProviderException.connectionFailed(provider, "its host name did not resolve");
            }
            if (t instanceof SSLException) {
                return ProviderException.connectionFailed(provider, "TLS failed (is the provider's certificate trusted?)");
            }
            if (t instanceof ConnectException) {
                return ProviderException.connectionFailed(provider, plain(t.getMessage()));
            }
        }
        return ProviderException.connectionFailed(provider, plain(e.getMessage()));
    }

    /** An exception's message when it names no Java class (ours never do; a wrapped cause's may). */
    private static String plain(String message) {
        return message == null || message.isBlank() || JAVA_NAME.matcher(message).find() ? "the connection failed" : message;
    }

    /** An answer under way: its status, and its body read under the idle timeout. Close it when done. */
    public final class Exchange implements AutoCloseable {
        private final HttpConnection connection;
        private final HttpConnection.Response response;
        private final Watchdog.Guard guard;
        private final InputStream body;

        private Exchange(HttpConnection connection, HttpConnection.Response response, Watchdog.Guard guard) {
            this.connection = connection;
            this.response = response;
            this.guard = guard;
            this.body = new GuardedStream(response.body());
        }

        public int status() {
            return response.status();
        }

        public InputStream body() {
            return body;
        }

        /** A header of the answer. */
        public Optional<String> header(String name) {
            return response.header(name);
        }

        /** The answer's Content-Length, or -1 when it has none. */
        public long contentLength() {
            return response.contentLength();
        }

        /**
         * Reads the whole body, refusing more than {@code max} bytes and holding its bytes in {@code memory} before they
         * are allocated. With a Content-Length the body is read straight into one array of that size (large image
         * answers are copied once, not grown and re-copied); without one, the array grows by doubling, each growth held
         * first.
         */
        public byte[] readAll(int max, AnswerMemory memory) {
            Held held = new Held(memory);
            try {
                return read(max, held);
            } catch (RuntimeException e) {
                held.release();
                throw e;
            }
        }

        private byte[] read(int max, Held held) {
            try {
                long length = response.contentLength();
                if (length > max) {
                    throw ProviderException.badResponse(provider, "response larger than " + max + " bytes");
                }
                if (length >= 0) {
                    held.add(length);
                    byte[] exact = new byte[(int) length];
                    int n = body.readNBytes(exact, 0, exact.length);
                    if (n < exact.length) {
                        throw ProviderException.badResponse(provider, "response ended after " + n + " of " + length + " bytes");
                    }
                    // reading the end of the body hands the connection back to the pool
                    if (body.read() != -1) {
                        throw ProviderException.badResponse(provider, "response longer than its Content-Length");
                    }
                    return exact;
                }
                return readUnknownLength(max, held);
            } catch (IOException e) {
                throw readFailure(e);
            }
        }

        private byte[] readUnknownLength(int max, Held held) throws IOException {
            int size = 16 * 1024;
            held.add(size);
            byte[] buf = new byte[size];
            int n = 0;
            while (true) {
                int r = body.read(buf, n, buf.length - n);
                if (r < 0) {
                    return n == buf.length ? buf : Arrays.copyOf(buf, n);
                }
                n += r;
                if (n > max) {
                    throw ProviderException.badResponse(provider, "response larger than " + max + " bytes");
                }
                if (n == buf.length) {
                    int grown = (int) Math.min((long) buf.length * 2, (long) max + 1);
                    held.add(grown - buf.length);
                    buf = Arrays.copyOf(buf, grown);
                }
            }
        }

        /**
         * What one answer holds. The wait for memory is not the provider's silence: the idle deadline stops while it
         * lasts and starts again after it.
         */
        private final class Held {
            private final AnswerMemory memory;
            private long bytes;

            Held(AnswerMemory memory) {
                this.memory = memory;
            }

            void add(long n) {
                guard.extend(WAIT_FOR_MEMORY, "answer memory");
                try {
                    bytes += memory.hold(n);
                } finally {
                    guard.extend(config.idleTimeout(), "idle");
                }
            }

            void release() {
                memory.release(bytes);
                bytes = 0;
            }
        }

        /** A small body (an error's), not held anywhere. */
        public String readText(int max) {
            return new String(readAll(max, AnswerMemory.UNBOUNDED), StandardCharsets.UTF_8);
        }

        /**
         * Runs {@code hook} whenever reading the body is about to wait on the provider's socket (everything that had
         * arrived has been read), until the exchange is closed: a stream relay writes what it has relayed there, so
         * events that arrived together reach the client together and none waits for the next.
         */
        public void beforeWait(Runnable hook) {
            connection.beforeSocketRead(hook);
        }

        /**
         * The caller has read all of the answer it needs (an SSE stream's {@code [DONE]}): closing the exchange then
         * keeps the connection, whose next user reads the body's last bytes (they follow at once) before reusing it.
         */
        public void endOfAnswer() {
            response.body().endOfAnswer();
        }

        /** The exception to throw for an I/O failure while reading this answer. */
        public ProviderException readFailure(Throwable e) {
            return failure(e, guard);
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is dropped either way
            } finally {
                guard.close();
            }
        }

        /** Moves the idle deadline forward on every read; closing it ends the exchange's use of the connection. */
        private static final int MAX_READ = 64 * 1024;

        private final class GuardedStream extends HttpBodies.BlockInput {
            private final InputStream in;

            GuardedStream(InputStream in) {
                this.in = in;
            }

            /** Reads at most 64 KiB per call, so the idle deadline moves forward during a large body too. */
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    int n = in.read(b, off, Math.min(len, MAX_READ));
                    guard.extend(config.idleTimeout(), "idle");
                    return n;
                } catch (java.io.UncheckedIOException e) {
                    throw e.getCause();
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        }
    }
}
