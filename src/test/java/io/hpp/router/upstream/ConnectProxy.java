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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on 127.0.0.1 that knows only {@code CONNECT}: records each request's head, then either answers with a
 * fixed refusal, or connects to the target, answers 200 and pipes bytes both ways until either side closes. Keeps the
 * first bytes the client sent into each tunnel, so a test can tell TLS from plain text.
 */
final class ConnectProxy implements AutoCloseable {
    /** The heads of the CONNECT requests received, in order. */
    final List<String> heads = new CopyOnWriteArrayList<>();
    /** The first bytes (at most 64) the client sent into each tunnel, as ISO-8859-1. */
    final List<String> firstBytes = new CopyOnWriteArrayList<>();
    final AtomicInteger tunnels = new AtomicInteger();
    private final ServerSocket socket;
    private final Optional<String> refusal;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    /** @param refusal an answer sent instead of opening any tunnel (e.g. a 407), or empty to tunnel */
    ConnectProxy(Optional<String> refusal) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.refusal = refusal;
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve(Socket client) {
        try {
            String head = readHead(client.getInputStream());
            heads.add(head);
            if (refusal.isPresent()) {
                client.getOutputStream().write(refusal.get().getBytes(StandardCharsets.ISO_8859_1));
                client.close();
                return;
            }
            String target = head.substring("CONNECT ".length(), head.indexOf(' ', "CONNECT ".length()));
            int colon = target.lastIndexOf(':');
            // provider.test is this proxy's own name for the loopback fake (a host only the proxy resolves, as in a
            // network whose proxy is mandatory)
            String host = target.substring(0, colon).equals("provider.test") ? "127.0.0.1" : target.substring(0, colon);
            Socket origin = new Socket(host, Integer.parseInt(target.substring(colon + 1)));
            open.add(origin);
            tunnels.incrementAndGet();
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Thread.ofVirtual().start(() -> pipe(origin, client, false));
            pipe(client, origin, true);
        } catch (IOException | RuntimeException e) {
            close(client);
        }
    }

    /** Copies {@code from} to {@code to} until {@code from} ends, then closes both. */
    private void pipe(Socket from, Socket to, boolean record) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (record) { // the first read holds the request's head or the TLS ClientHello: both are written at once
                    firstBytes.add(new String(buf, 0, Math.min(n, 64), StandardCharsets.ISO_8859_1));
                    record = false;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            close(from);
            close(to);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            if (head.size() > 8192) {
                throw new IOException("head too long");
            }
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("the client closed inside the head");
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        open.forEach(ConnectProxy::close);
    }
}
