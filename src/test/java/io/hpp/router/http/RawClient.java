package io.hpp.router.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A client socket that writes exactly what a test says (slowly, partly, or not at all), from a chosen loopback address
 * (127.0.0.x all reach the router on Linux, so a test can play several client addresses).
 */
final class RawClient implements AutoCloseable {
    /** How long a test waits for the router before calling it a hang. */
    static final int PATIENCE_MS = 5_000;

    private final Socket socket;

    RawClient(int port, String fromAddress) {
        try {
            socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(fromAddress), 0);
            socket.setSoTimeout(PATIENCE_MS);
        } catch (IOException e) {
            throw new IllegalStateException("connecting to 127.0.0.1:" + port + " from " + fromAddress, e);
        }
    }

    static int port(String baseUrl) {
        return URI.create(baseUrl).getPort();
    }

    RawClient write(String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("writing to the router", e);
        }
    }

    /** Writes, ignoring a router that already closed the connection; true when the write went through. */
    boolean tryWrite(String text) {
        try {
            write(text);
            return true;
        } catch (IllegalStateException closed) {
            return false;
        }
    }

    /** Reads until the router closes the connection; what it sent, or a timeout failure past {@link #PATIENCE_MS}. */
    String readUntilClosed() throws SocketTimeoutException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException reset) {
            // a reset is a close too
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response whose body has a Content-Length; the connection stays open. */
    String readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }

    /** An HTTP client whose connections come from {@code fromAddress}. */
    static HttpClient httpFrom(String fromAddress) {
        try {
            return HttpClient.newBuilder().localAddress(InetAddress.getByName(fromAddress)).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one request with {@code client}; status and body. */
    static HttpResponse<String> send(HttpClient client, String method, String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
