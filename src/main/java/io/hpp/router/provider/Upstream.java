package io.hpp.router.provider;

import io.hpp.router.config.ProviderConfig;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP to one provider: JSON POSTs over a pooled Helidon WebClient with TCP_NODELAY, and the provider's timeouts
 * (connect, first byte, idle between reads). The only class that imports the HTTP client.
 */
public final class Upstream {
    private final String provider;
    private final ProviderConfig config;
    private final WebClient client;
    private final Watchdog watchdog;

    public Upstream(ProviderConfig config, Watchdog watchdog) {
        this.provider = config.name();
        this.config = config;
        this.watchdog = watchdog;
        long backstop = Math.max(config.firstByteTimeout().toMillis(), config.idleTimeout().toMillis()) + 5_000;
        this.client = WebClient.builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(java.time.Duration.ofMillis(backstop))
                .socketOptions(SocketOptions.builder().tcpNoDelay(true).connectTimeout(config.connectTimeout())
                        .readTimeout(java.time.Duration.ofMillis(backstop)).build())
                .followRedirects(false)
                .build();
    }

    public String provider() {
        return provider;
    }

    /** Sends {@code body} to {@code path} (relative to the base URL) and waits for the status line and headers. */
    public Exchange post(String path, Map<String, String> headers, byte[] body) {
        Watchdog.Guard guard = watchdog.arm(config.firstByteTimeout(), "first byte");
        try {
            HttpClientRequest req = client.post(config.baseUrl() + path)
                    .header(HeaderValues.CONTENT_TYPE_JSON)
                    .header(HeaderNames.ACCEPT, "application/json, text/event-stream");
            headers.forEach((k, v) -> req.header(HeaderNames.create(k), v));
            HttpClientResponse res = req.submit(body);
            guard.extend(config.idleTimeout(), "idle");
            return new Exchange(res, guard);
        } catch (RuntimeException e) {
            guard.close();
            throw failure(e, guard);
        }
    }

    private ProviderException failure(Throwable e, Watchdog.Guard guard) {
        if (guard.expired()) {
            return ProviderException.timeout(provider, guard.phase());
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return ProviderException.timeout(provider, "read");
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return ProviderException.connectionFailed(provider, t.getClass().getSimpleName() + ": " + t.getMessage());
            }
        }
        return ProviderException.connectionFailed(provider, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** An answer under way: its status, and its body read under the idle timeout. Close it when done. */
    public final class Exchange implements AutoCloseable {
        private final HttpClientResponse response;
        private final Watchdog.Guard guard;
        private final InputStream body;

        private Exchange(HttpClientResponse response, Watchdog.Guard guard) {
            this.response = response;
            this.guard = guard;
            this.body = new GuardedStream(response.inputStream());
        }

        public int status() {
            return response.status().code();
        }

        public InputStream body() {
            return body;
        }

        /** A header of the answer. */
        public Optional<String> header(String name) {
            return response.headers().first(HeaderNames.create(name));
        }

        /** The answer's Content-Length, or -1 when it has none. */
        public long contentLength() {
            return response.headers().contentLength().orElse(-1);
        }

        /**
         * Reads the whole body, refusing more than {@code max} bytes. With a Content-Length the body is read straight
         * into one array of that size (large image answers are copied once, not grown and re-copied).
         */
        public byte[] readAll(int max) {
            try {
                long length = response.headers().contentLength().orElse(-1);
                if (length > max) {
                    throw ProviderException.badResponse(provider, "response larger than " + max + " bytes");
                }
                if (length >= 0) {
                    byte[] exact = new byte[(int) length];
                    int n = body.readNBytes(exact, 0, exact.length);
                    if (n < exact.length) {
                        throw ProviderException.badResponse(provider, "response ended after " + n + " of " + length + " bytes");
                    }
                    return exact;
                }
                byte[] bytes = body.readNBytes(max + 1);
                if (bytes.length > max) {
                    throw ProviderException.badResponse(provider, "response larger than " + max + " bytes");
                }
                return bytes;
            } catch (IOException e) {
                throw readFailure(e);
            }
        }

        public String readText(int max) {
            return new String(readAll(max), StandardCharsets.UTF_8);
        }

        /** The exception to throw for an I/O failure while reading this answer. */
        public ProviderException readFailure(Throwable e) {
            return failure(e, guard);
        }

        @Override
        public void close() {
            try {
                response.close();
            } catch (RuntimeException ignored) {
                // the connection is dropped either way
            } finally {
                guard.close();
            }
        }

        /** Moves the idle deadline forward on every read; turns Helidon's unchecked I/O errors into IOExceptions. */
        private static final int MAX_READ = 64 * 1024;

        private final class GuardedStream extends InputStream {
            private final InputStream in;

            GuardedStream(InputStream in) {
                this.in = in;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xff;
            }

            /**
             * Reads at most 64 KiB per call: Helidon's entity stream allocates a buffer as large as the request on every
             * call, so one large read of a 12 MB body allocated gigabytes (measured: 152 young GCs for one answer).
             */
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    int n = in.read(b, off, Math.min(len, MAX_READ));
                    guard.extend(config.idleTimeout(), "idle");
                    return n;
                } catch (java.io.UncheckedIOException e) {
                    throw e.getCause();
                } catch (RuntimeException e) {
                    throw new IOException(e);
                }
            }
        }
    }
}
