package io.hpp.router.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.hpp.router.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client connection as the edge sees it: Helidon's HTTP/1 connection does the work, and this says which deadline
 * the connection is under — its request's headers, the next request of a kept-alive connection, or the request's
 * body — so that {@link Connections} can close it when the deadline passes.
 * <p>
 * The phase changes on the connection's own thread (the filter and {@link Requests#body}) and, once a deadline has
 * passed, on the sweeper's; compare-and-set decides which came first, so a request either runs or is cut, never both.
 */
final class GuardedConnection implements ServerConnection {
    /** No deadline: a request is being handled (a stream may run for minutes). */
    static final long NONE = Long.MAX_VALUE;
    /** How long the 408 of a body past its deadline may take to write before the connection is closed without it. */
    static final long ANSWER_MILLIS = 1_000;

    enum Phase {
        /** Waiting for a request's headers: a new connection, or a kept-alive one between requests. */
        WAITING,
        /** Handling a request; no deadline. */
        REQUEST,
        /** Reading a request's body: the deadline moves with the bytes received. */
        BODY,
        /** Its body stopped arriving: being answered 408, then closed (at the latest when its deadline passes). */
        CUT,
        /** Closed, by its deadline or because it ended. */
        CLOSED
    }

    private final ServerConnection http;
    private final ConnectionContext ctx;
    private final Connections owner;
    private final String address;
    private final boolean refused;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WAITING);
    private volatile long deadline;
    private volatile boolean served;
    private volatile String requestId = "";
    private volatile long bodyStart;
    private volatile long bodyReceived;
    private volatile long bodyLength;
    private volatile int statusSent;

    /**
     * @param refused its address held its limit of connections when it opened: its first request is answered 429
     */
    GuardedConnection(ServerConnection http, ConnectionContext ctx, Connections owner, String address, boolean refused, long deadline) {
        this.http = http;
        this.ctx = ctx;
        this.owner = owner;
        this.address = address;
        this.refused = refused;
        this.deadline = deadline;
    }

    /** The client address this connection counts against (an IPv6 /64 as one). */
    String address() {
        return address;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        Connections.enter(this);
        try {
            http.handle(limit);
        } finally {
            Connections.leave();
            phase.set(Phase.CLOSED);
            owner.closed(this, refused);
        }
    }

    @Override
    public Duration idleTime() {
        return http.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        http.close(interrupt);
    }

    /** Headers read: the request runs without a deadline. */
    void requestStarted(String id) {
        if (!phase.compareAndSet(Phase.WAITING, Phase.REQUEST)) {
            throw new CloseConnectionException("the connection was closed at its deadline");
        }
        deadline = NONE;
        requestId = id;
    }

    /** Whether its address held its limit of connections when this one opened: its request is answered 429. */
    boolean refused() {
        return refused;
    }

    /**
     * Answered: the next request must start within the idle timeout. A refused connection is closed after its answer
     * ({@code Connection: close}); its deadline is a backstop.
     */
    void requestEnded(boolean bodyUnread) {
        served = true;
        long now = owner.now();
        // an unread body is drained by Helidon before the next request: bound the drain like a body
        Duration wait = refused || bodyUnread ? owner.limits().bodyTimeout() : owner.limits().idleTimeout();
        deadline = now + wait.toNanos();
        phase.compareAndSet(Phase.REQUEST, Phase.WAITING);
    }

    /** The handler starts reading a body of {@code length} bytes (-1: not declared). */
    void bodyStarted(long length) {
        bodyStart = owner.now();
        bodyReceived = 0;
        bodyLength = length;
        deadline = bodyStart + owner.limits().bodyTimeout().toNanos();
        phase.compareAndSet(Phase.REQUEST, Phase.BODY);
    }

    /** {@code n} more bytes arrived: one more second per {@code bodyMinRate} bytes. */
    void bodyProgress(int n) {
        long received = bodyReceived + n;
        bodyReceived = received;
        deadline = bodyStart + owner.limits().bodyTimeout().toNanos() + received * 1_000_000_000L / owner.limits().bodyMinRate();
    }

    /** The body is read; false when its deadline passed first (the client is answered 408 and cut). */
    boolean bodyEnded() {
        if (phase.compareAndSet(Phase.BODY, Phase.REQUEST)) {
            deadline = NONE;
            return true;
        }
        return phase.get() == Phase.REQUEST;
    }

    /**
     * On the sweeper: closes this connection if its deadline has passed. A body that stopped arriving is answered 408
     * first, on a thread of its own: a write can block (a client that reads nothing), and the sweeper must not; if the
     * answer is not written within {@value #ANSWER_MILLIS} ms, the connection is closed without it.
     */
    void expire(long now) {
        if (now <= deadline) {
            return;
        }
        Phase p = phase.get();
        if (p == Phase.BODY && phase.compareAndSet(Phase.BODY, Phase.CUT)) {
            owner.timedOut("body_timeout");
            statusSent = 408;
            deadline = now + ANSWER_MILLIS * 1_000_000L;
            Thread.ofVirtual().name("hpp-408").start(() -> {
                answer408();
                close();
            });
        } else if (p == Phase.CUT && phase.compareAndSet(Phase.CUT, Phase.CLOSED)) {
            close();
        } else if (p == Phase.WAITING && phase.compareAndSet(Phase.WAITING, Phase.CLOSED)) {
            if (!refused) { // counted when it was refused
                owner.timedOut(served ? "idle_timeout" : "header_timeout");
            }
            close();
        }
    }

    /** Closes the socket: the connection's thread, blocked reading it, fails and Helidon ends the connection. */
    private void close() {
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException e) {
            // closed already
        }
    }

    /** The status the sweeper answered this connection's request with, or {@code otherwise} (the routing's response). */
    int statusSent(int otherwise) {
        return statusSent != 0 ? statusSent : otherwise;
    }

    /** The message of the 408 a body past its deadline gets. */
    String bodyTimeoutMessage() {
        String received = bodyLength >= 0 ? bodyReceived + " of " + bodyLength : String.valueOf(bodyReceived);
        return "The request body stopped arriving (" + received + " bytes received); the router waits "
                + owner.limits().bodyTimeout().toMillis() + " ms plus 1 s per " + owner.limits().bodyMinRate() + " bytes";
    }

    /**
     * Written from the sweeper while the connection's thread is blocked reading the body (so nothing else writes): the
     * read cannot be interrupted without closing the socket, and the client should learn why it was cut.
     */
    private void answer408() {
        byte[] body = Json.bytes(ErrorResponses.simple(408, "request_timeout", bodyTimeoutMessage()).body());
        byte[] head = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n" + Observability.REQUEST_ID.defaultCase() + ": " + requestId + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        try {
            ctx.serverSocket().write(BufferData.create(all));
        } catch (RuntimeException gone) {
            // the client is gone already: closing is all that is left
        }
    }
}
