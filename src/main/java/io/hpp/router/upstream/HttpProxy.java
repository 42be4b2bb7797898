package io.hpp.router.upstream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy that opens tunnels with {@code CONNECT host:port}: its address and, when its URL had {@code user:pass@},
 * the {@code Proxy-Authorization} value. Its {@code toString()} and every message built here name the proxy by
 * {@code http://host:port} only: the credentials never reach a log line or a client.
 */
record HttpProxy(String host, int port, Optional<String> authorization) {
    /** A CONNECT answer's head larger than this is not a proxy's (they are a few hundred bytes). */
    private static final int MAX_HEAD = 8192;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})(?: .*)?");

    /**
     * The proxy a URL names: {@code http://[user:pass@]host[:port]} (port 80 when absent; credentials percent-encoded
     * as in any URL). {@code source} says where the URL came from, for the message when it is refused.
     */
    static HttpProxy parse(URI url, String source) {
        if (url.getScheme() == null || !url.getScheme().equalsIgnoreCase("http")) {
            throw new IllegalArgumentException(source + " must be an http:// proxy URL (http://[user:pass@]host:port), not "
                    + (url.getScheme() == null ? "a URL without a scheme" : url.getScheme() + "://")
                    + "; only HTTP proxies that tunnel with CONNECT are supported");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException(source + " has no host (expected http://[user:pass@]host:port)");
        }
        Optional<String> authorization = Optional.ofNullable(url.getRawUserInfo()).map(HttpProxy::basic);
        return new HttpProxy(url.getHost(), url.getPort() < 0 ? 80 : url.getPort(), authorization);
    }

    /** A proxy setting as tools write it in the environment: a URL, or {@code host:port} meaning http. */
    static HttpProxy parse(String setting, String source) {
        String s = setting.strip();
        try {
            return parse(new URI(s.contains("://") ? s : "http://" + s), source);
        } catch (URISyntaxException e) {
            // the setting may hold a password: it is not repeated
            throw new IllegalArgumentException(source + " is not a valid proxy URL (expected http://[user:pass@]host:port)");
        }
    }

    /** {@code Basic base64(user:pass)} from a URL's raw user info, each part percent-decoded. */
    private static String basic(String rawUserInfo) {
        int colon = rawUserInfo.indexOf(':');
        String user = decode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(rawUserInfo.substring(colon + 1));
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Percent-decoding as URLs have it ({@code +} stays a plus sign, unlike form decoding). */
    private static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
            if (lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Asks the proxy, on {@code socket} (connected to it), for a tunnel to {@code host:port} and reads its answer: a 2xx
     * leaves the socket as a raw byte pipe to the origin. Waits at most {@code timeoutMillis} for the answer (the proxy
     * connects to the origin meanwhile). Failures are {@link ConnectException}s, or a {@link SocketTimeoutException}
     * whose message says "connect", with plain messages that reach the client.
     */
    void tunnel(Socket socket, String host, int port, int timeoutMillis) throws IOException {
        String authority = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        StringBuilder req = new StringBuilder(160).append("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ")
                .append(authority).append("\r\n");
        authorization.ifPresent(a -> req.append("Proxy-Authorization: ").append(a).append("\r\n"));
        req.append("\r\n");
        socket.setSoTimeout(timeoutMillis);
        String head;
        try {
            socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            head = readHead(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("the proxy " + this + " did not answer the CONNECT to " + authority + " within the connect timeout");
        } catch (EOFException e) {
            throw new ConnectException("the proxy " + this + " closed the connection instead of answering the CONNECT to " + authority);
        }
        socket.setSoTimeout(0);
        int status = status(head);
        if (status == 407) {
            throw new ConnectException("the proxy " + this + " answered 407: "
                    + (authorization.isPresent() ? "it refused the gateway's proxy credentials" : "it requires credentials (http://user:pass@host:port)"));
        }
        if (status < 200 || status > 299) {
            throw new ConnectException("the proxy " + this + " answered " + status + " to the CONNECT to " + authority);
        }
    }

    /**
     * The answer's head, read a byte at a time: a read-ahead buffer could swallow the origin's first bytes, and this is
     * paid once per new connection, not per request.
     */
    private String readHead(InputStream in) throws IOException {
        byte[] head = new byte[MAX_HEAD];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            if (n == MAX_HEAD) {
                throw new ConnectException("the proxy " + this + " answered the CONNECT with a head longer than " + MAX_HEAD + " bytes");
            }
            head[n++] = (byte) b;
            if (b == '\n' && (endsWith(head, n, "\r\n\r\n") || endsWith(head, n, "\n\n"))) {
                return new String(head, 0, n, StandardCharsets.ISO_8859_1);
            }
        }
    }

    private static boolean endsWith(byte[] b, int n, String suffix) {
        if (n < suffix.length()) {
            return false;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (b[n - suffix.length() + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int status(String head) throws ConnectException {
        int eol = head.indexOf('\n');
        Matcher m = STATUS_LINE.matcher(head.substring(0, eol).strip());
        if (!m.matches()) {
            throw new ConnectException("the proxy " + this + " answered the CONNECT with something other than HTTP");
        }
        return Integer.parseInt(m.group(1));
    }

    /** {@code http://host:port}, never the credentials. */
    @Override
    public String toString() {
        return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
