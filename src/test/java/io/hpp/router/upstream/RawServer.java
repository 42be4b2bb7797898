package io.hpp.router.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 for the provider client's tests: answers each request with {@code answer(n)}
 * (n counts requests from 1; null = never answer), records each request's bytes and counts accepted connections and
 * those still open on its side. An answer's {@link #PAUSE} bytes are not sent: the server flushes what came before and
 * waits {@link #PAUSE_MILLIS}; at a {@link #CLOSE} byte it sends what came before and closes the connection.
 */
final class RawServer implements AutoCloseable {
    /** In an answer: flush, then wait before the rest. */
    static final char PAUSE = '\u0001';
    static final long PAUSE_MILLIS = 150;
    /** In an answer: send what came before, then close the connection (an early close, or a close-framed body). */
    static final char CLOSE = '\u0002';

    final AtomicInteger accepted = new AtomicInteger();
    /** Connections the server has not closed: it waits for their next request, or is answering one. */
    final AtomicInteger open = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket socket;
    private final AtomicInteger count = new AtomicInteger();

    RawServer(IntFunction<byte[]> answer, boolean closeAfterEach) throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), answer, closeAfterEach);
    }

    RawServer(ServerSocket listening, IntFunction<byte[]> answer, boolean closeAfterEach) {
        socket = listening;
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.incrementAndGet();
                    open.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s, answer, closeAfterEach));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve(Socket s, IntFunction<byte[]> answer, boolean closeAfterEach) {
        try (s) {
            serveOn(s, answer, closeAfterEach);
        } catch (IOException | InterruptedException e) {
            // the client went away
        } finally {
            open.decrementAndGet();
        }
    }

    private void serveOn(Socket s, IntFunction<byte[]> answer, boolean closeAfterEach) throws IOException, InterruptedException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
            String request = readRequest(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            byte[] a = answer.apply(count.incrementAndGet());
            if (a == null) {
                Thread.sleep(10_000);
                return;
            }
            int from = 0;
            for (int i = 0; i <= a.length; i++) {
                if (i == a.length || a[i] == PAUSE || a[i] == CLOSE) {
                    out.write(a, from, i - from);
                    out.flush();
                    from = i + 1;
                    if (i < a.length && a[i] == CLOSE) {
                        return;
                    }
                    if (i < a.length) {
                        Thread.sleep(PAUSE_MILLIS);
                    }
                }
            }
            if (closeAfterEach) {
                return;
            }
        }
    }

    /** The request's head and its Content-Length body, as text; null at the end of the connection. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String h = head.toString(StandardCharsets.ISO_8859_1);
            if (h.endsWith("\r\n\r\n")) {
                int i = h.indexOf("Content-Length: ");
                int length = i < 0 ? 0 : Integer.parseInt(h.substring(i + 16, h.indexOf("\r\n", i)));
                return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
