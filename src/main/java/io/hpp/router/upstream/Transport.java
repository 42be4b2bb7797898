package io.hpp.router.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * How connections to a provider are opened: straight to its origin, or through an HTTP proxy's {@code CONNECT} tunnel;
 * then TLS for an https provider (SNI and hostname verification), trusting the JDK's certificate authorities and,
 * optionally, those of a PEM bundle. Plain http providers are tunnelled with {@code CONNECT} too (no absolute-form
 * requests), so a proxy sees the same thing for both and the request on the wire is the one sent directly.
 * <p>
 * Decided once per provider when its {@link Upstream} is built; only opening a new connection pays for a proxy (one
 * round trip to it), requests on kept-alive connections are sent exactly as without one. Never prints proxy
 * credentials.
 */
public final class Transport {
    private final Optional<HttpProxy> proxy;
    private final SSLSocketFactory tls;
    private final Optional<Path> caFile;

    private Transport(Optional<HttpProxy> proxy, SSLSocketFactory tls, Optional<Path> caFile) {
        this.proxy = proxy;
        this.tls = tls;
        this.caFile = caFile;
    }

    /** Straight to the origin, trusting the JDK's default certificate authorities. */
    public static Transport direct() {
        return new Transport(Optional.empty(), (SSLSocketFactory) SSLSocketFactory.getDefault(), Optional.empty());
    }

    /**
     * Through {@code proxy} ({@code http://[user:pass@]host:port}) when given, and trusting the PEM certificates of
     * {@code caFile} besides the JDK's when given. The environment is not read.
     *
     * @throws IllegalArgumentException when the proxy URL is not an http one, or the CA file is missing or holds no
     *     certificate (messages name the proxy without its credentials)
     */
    public static Transport of(Optional<URI> proxy, Optional<Path> caFile) {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(caFile, "caFile");
        return new Transport(proxy.map(p -> HttpProxy.parse(p, "the proxy URL")), tls(caFile), caFile);
    }

    /**
     * The environment's proxy for {@code upstream}: {@code https_proxy}/{@code HTTPS_PROXY} for an https upstream,
     * {@code http_proxy}/{@code HTTP_PROXY} for an http one, unless {@code no_proxy}/{@code NO_PROXY} lists its host
     * (see {@link ProxyEnvironment} for the matching rules; loopback is proxied unless listed); the JDK's trust.
     */
    public static Transport fromEnvironment(Map<String, String> env, URI upstream) {
        return forProvider(Optional.empty(), Optional.empty(), env, upstream);
    }

    /**
     * A provider's own settings, falling back on the environment: its {@code proxy} when set (then {@code NO_PROXY}
     * does not apply), otherwise the environment's proxy for {@code upstream} as {@link #fromEnvironment}; its
     * {@code caFile}'s certificates trusted besides the JDK's.
     *
     * @throws IllegalArgumentException as {@link #of}, or when the environment's proxy variable is not a proxy URL
     */
    public static Transport forProvider(Optional<URI> proxy, Optional<Path> caFile, Map<String, String> env, URI upstream) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(upstream, "upstream");
        if (proxy.isPresent()) {
            return of(proxy, caFile);
        }
        return new Transport(ProxyEnvironment.proxyFor(env, upstream), tls(Objects.requireNonNull(caFile, "caFile")), caFile);
    }

    /** Straight to the origin with these TLS sockets (tests trust their own certificate so). */
    static Transport direct(SSLSocketFactory tls) {
        return new Transport(Optional.empty(), tls, Optional.empty());
    }

    private static SSLSocketFactory tls(Optional<Path> caFile) {
        return caFile.map(TrustBundle::socketFactory).orElseGet(() -> (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** Whether connections go through a proxy. */
    boolean proxied() {
        return proxy.isPresent();
    }

    /**
     * A new connection to {@code host:port}, TLS-wrapped when {@code secure}; {@code connectTimeoutMillis} bounds the TCP
     * connect (to the origin or the proxy) and the wait for the proxy's answer to CONNECT.
     */
    Socket open(String host, int port, boolean secure, int connectTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            if (proxy.isEmpty()) {
                socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            } else {
                connectToProxy(socket, proxy.get(), connectTimeoutMillis);
                proxy.get().tunnel(socket, host, port, connectTimeoutMillis);
            }
            return secure ? handshake(socket, host, port) : socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to the proxy; its failures name the proxy, so they are not taken for the provider's. */
    private static void connectToProxy(Socket socket, HttpProxy proxy, int connectTimeoutMillis) throws IOException {
        try {
            socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), connectTimeoutMillis);
        } catch (UnknownHostException e) {
            throw new ConnectException("the proxy " + proxy + ": its host name did not resolve");
        } catch (ConnectException e) {
            throw new ConnectException("the proxy " + proxy + " refused the connection");
        }
    }

    /** TLS over {@code socket} (direct or tunnelled), verifying the certificate against {@code host}. */
    private SSLSocket handshake(Socket socket, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(socket, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.contains(":") && !Character.isDigit(host.charAt(host.length() - 1))) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        params.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        return ssl;
    }

    /** {@code direct}, or {@code via proxy http://host:port} (never its credentials), and the CA file if any. */
    @Override
    public String toString() {
        return proxy.map(p -> "via proxy " + p).orElse("direct") + caFile.map(f -> ", trusting the CAs of " + f).orElse("");
    }
}
