package io.hpp.router.upstream;

import io.hpp.router.wire.BodyParts;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 connection to a provider: writes a request, reads the answer's head, and gives its body as a stream
 * framed by Content-Length, chunked encoding, or the end of the connection. Blocking I/O on the calling (virtual)
 * thread, no helper threads and no socket timeouts (the {@link Watchdog} closes a socket that stalls); a body read to
 * its end hands the connection back to its pool, unless bytes follow it.
 * The head is read by {@link AnswerHead}'s strict rules; an answer they refuse closes the connection.
 */
final class HttpConnection implements AutoCloseable {
    /** How long a reused connection may wait for the rest of its previous answer, once some of it has arrived. */
    private static final int FINISH_WAIT_MILLIS = 5;
    /** The most of a previous answer's rest that is read and dropped to reuse its connection. */
    private static final int FINISH_BUDGET = 4096;
    private static final int KEEP_SEND_BUFFER = 64 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    private final Socket socket;
    private final HttpBodies.SocketInput in;
    private final OutputStream out;
    private final ConnectionPool pool;
    private final String hostHeader;
    /** Set by the first close, which tells the pool (the watchdog's thread may close at the same time as the owner). */
    private final java.util.concurrent.atomic.AtomicBoolean shut = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * The request being sent, head and body together (one write): kept for the connection's next request, unless it
     * grew beyond {@link #KEEP_SEND_BUFFER}. A new array per request, for a 31 KB conversation, was a sixth of the
     * bytes the router allocated per stream. Idle pooled connections keep theirs: at most {@link #KEEP_SEND_BUFFER}
     * times the pool's idle limit per provider (16 MiB at 256), in practice the size of recent requests times the
     * connections recent load needed.
     */
    private byte[] send = NO_BYTES;
    private int sendLength;
    private long idleSince;
    private boolean used;
    /** An answer whose reader stopped at its logical end before the end of the body; finished on the next use. */
    private BodyStream unfinished;

    HttpConnection(Socket socket, ConnectionPool pool, String hostHeader) throws IOException {
        this.socket = socket;
        this.in = new HttpBodies.SocketInput(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.pool = pool;
        this.hostHeader = hostHeader;
    }

    /**
     * The head of an answer: status, headers (names in lower case, first value; Connection's values joined), the body's
     * length from its framing (-1 when it has none), and its body.
     */
    record Response(int status, Map<String, String> headers, long contentLength, BodyStream body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    long idleSince() {
        return idleSince;
    }

    void markIdle(long nanos) {
        idleSince = nanos;
    }

    /** Whether a connection taken from the pool can carry a request. */
    enum Readiness { READY, NOT_YET, UNUSABLE }

    /**
     * Reads the rest of the previous answer, when its reader stopped at the answer's logical end (an SSE
     * {@code [DONE]}) before the body's last chunk. That rest follows right behind it: when some of it has arrived it
     * is read (waiting at most a few milliseconds for the remainder); when none has, the connection is {@code NOT_YET}
     * ready and should be tried later. Over TLS, where what has arrived cannot be told, it is read with the same wait.
     * A connection on which anything arrived after the previous answer's end is {@code UNUSABLE}: those bytes belong to
     * no request, and must never be read as the next one's answer.
     */
    Readiness finishPrevious() {
        BodyStream previous = unfinished;
        try {
            if (previous == null) {
                return in.available() == 0 ? Readiness.READY : Readiness.UNUSABLE;
            }
            if (!(socket instanceof javax.net.ssl.SSLSocket) && in.available() == 0) {
                return Readiness.NOT_YET;
            }
            unfinished = null;
            socket.setSoTimeout(FINISH_WAIT_MILLIS);
            try {
                return previous.skipToEnd(FINISH_BUDGET) && in.available() == 0 ? Readiness.READY : Readiness.UNUSABLE;
            } finally {
                socket.setSoTimeout(0);
            }
        } catch (IOException e) {
            return Readiness.UNUSABLE;
        }
    }

    /** Runs {@code hook} before every read that may wait on the socket, until the answer's body is closed. */
    void beforeSocketRead(Runnable hook) {
        in.beforeSocketRead(hook);
    }

    /** Sends one POST and reads the answer's head; the body is read from {@link Response#body()}. */
    Response post(String target, Map<String, String> headers, BodyParts body) throws IOException {
        sendLength = 0;
        int headerBytes = 0;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
        }
        ensure(96 + target.length() + hostHeader.length() + headerBytes + body.length()); // the whole request, once
        put("POST ").put(target).put(" HTTP/1.1\r\nHost: ").put(hostHeader)
                .put("\r\nContent-Length: ").put(Integer.toString(body.length())).put("\r\n");
        headers.forEach((k, v) -> put(checked(k)).put(": ").put(checked(v)).put("\r\n"));
        put("\r\n");
        ensure(body.length());
        sendLength = body.copyTo(send, sendLength);
        boolean reusedBefore = used;
        used = true;
        String statusLine;
        try {
            out.write(send, 0, sendLength);
            out.flush();
            if (send.length > KEEP_SEND_BUFFER) {
                send = NO_BYTES;
            }
            statusLine = readLine(true);
        } catch (MalformedAnswerException e) {
            throw e; // an answer came: the request is not sent again
        } catch (IOException e) {
            // a kept-alive connection the provider closed fails here, before any byte of an answer
            throw reusedBefore ? new StaleConnectionException(e) : e;
        }
        if (statusLine == null) {
            throw reusedBefore ? new StaleConnectionException(null) : new EOFException("the connection closed before an answer");
        }
        for (int interim = 0; ; interim++) {
            int status = AnswerHead.status(statusLine);
            Map<String, String> h = AnswerHead.fields(() -> readLine(false));
            if (status >= 200) {
                return response(status, AnswerHead.framing(status, statusLine.startsWith("HTTP/1.0"), h), h);
            }
            // 100 Continue and other interim answers come before the real one
            AnswerHead.checkInterim(status, interim);
            statusLine = readLine(false);
        }
    }

    private Response response(int status, AnswerHead.Framing framing, Map<String, String> h) {
        InputStream framed = switch (framing.kind()) {
            case CHUNKED -> new HttpBodies.ChunkedInput(in);
            case LENGTH -> new HttpBodies.FixedInput(in, framing.length());
            case CLOSE -> in;
        };
        return new Response(status, h, framing.length(), new BodyStream(framed, framing.keepAlive()));
    }

    /** A CRLF- (or LF-) terminated ISO-8859-1 line; null at a clean end of stream before the first byte if allowed. */
    private String readLine(boolean eofAllowed) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && sb.isEmpty()) {
                    return null;
                }
                throw new EOFException("the connection closed inside the answer's head");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= AnswerHead.MAX_HEAD) {
                throw new MalformedAnswerException("an answer head line longer than " + AnswerHead.MAX_HEAD + " bytes");
            }
            sb.append((char) b);
        }
    }

    /**
     * Adds {@code s} to the send buffer as ISO-8859-1, as {@code getBytes} would: one '?' for a character outside it
     * (a surrogate pair is one character).
     */
    private HttpConnection put(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            }
            send[sendLength++] = (byte) (c <= 0xFF ? c : '?');
        }
        return this;
    }

    /** Room for {@code more} bytes; doubling stops at the size kept between requests, so a kept buffer stays kept. */
    private void ensure(int more) {
        int need = sendLength + more;
        if (need > send.length) {
            send = java.util.Arrays.copyOf(send, Math.max(need, Math.min(2 * send.length, KEEP_SEND_BUFFER)));
        }
    }

    private static String checked(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header names and values must not contain CR, LF or NUL");
            }
        }
        return s;
    }

    /** Closes the socket (also from the watchdog's thread, to unblock a stalled read). */
    @Override
    public void close() {
        if (shut.compareAndSet(false, true)) {
            pool.closed();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    /** A reused keep-alive connection the provider had already closed; the request is sent again on a new one. */
    static final class StaleConnectionException extends IOException {
        StaleConnectionException(IOException cause) {
            super("the provider closed the kept-alive connection", cause);
        }

        /** A signal to resend, caught one frame up: no stack trace (it showed as 1.4% of the CPU at 1,000 req/s). */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The answer's body; at its end the connection goes back to the pool, unless more bytes have already arrived after
     * it (they belong to no request: the connection is closed). Closed early it is dropped, unless its reader
     * {@linkplain #endOfAnswer reached the answer's logical end}: then the connection's next user reads the rest first
     * (by then it has long arrived, and the answer's reader did not wait for it) and checks for bytes after it.
     */
    final class BodyStream extends HttpBodies.BlockInput {
        private final InputStream framed;
        private final boolean keepAlive;
        private boolean done;
        private boolean closed;
        private boolean endOfAnswer;

        BodyStream(InputStream framed, boolean keepAlive) {
            this.framed = framed;
            this.keepAlive = keepAlive;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("the answer's body is closed");
            }
            if (done) {
                return -1;
            }
            int n = framed.read(b, off, len);
            if (n < 0) {
                done = true;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return done || closed ? 0 : framed.available();
        }

        /** The reader has all it needs; what follows is framing (an SSE answer's last chunk after {@code [DONE]}). */
        void endOfAnswer() {
            endOfAnswer = true;
        }

        /** Reads and drops the rest of the body, at most {@code budget} bytes; true when the end was reached. */
        private boolean skipToEnd(int budget) throws IOException {
            byte[] skip = new byte[512];
            while (!done && budget > 0) {
                int n = framed.read(skip, 0, Math.min(skip.length, budget));
                if (n < 0) {
                    done = true;
                } else {
                    budget -= n;
                }
            }
            return done;
        }

        /** No byte follows the answer yet: what is buffered, then what the socket holds (one ioctl, no wait). */
        private boolean nothingUnread() {
            try {
                return in.available() == 0;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            in.beforeSocketRead(null);
            // a length that ended right at the reader's logical end ([DONE]) owes nothing: reusable now, not NOT_YET
            done |= framed instanceof HttpBodies.BlockInput b && b.ended();
            if (keepAlive && isOpen() && (done ? nothingUnread() : endOfAnswer)) {
                unfinished = done ? null : this;
                pool.release(HttpConnection.this);
            } else {
                HttpConnection.this.close();
            }
        }
    }
}
