package io.hpp.router.upstream;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxy the environment gives an upstream, read as curl and most tools read it: {@code https_proxy} /
 * {@code HTTPS_PROXY} for https upstreams, {@code http_proxy} / {@code HTTP_PROXY} for http ones (the lower-case name
 * wins when both are set; an empty value is unset), unless {@code no_proxy} / {@code NO_PROXY} lists the upstream.
 * <p>
 * {@code NO_PROXY} is a comma-separated list; each entry is {@code *} (no proxy at all), a host name that matches
 * itself and its subdomains ({@code example.com}, {@code .example.com} and {@code *.example.com} all match
 * {@code example.com} and {@code api.example.com}), an IP address, an IP range in CIDR form ({@code 10.0.0.0/8}), or any
 * of those with {@code :port} (then only that port). Names are compared as written, never resolved: {@code localhost}
 * does not match {@code 127.0.0.1}. Loopback upstreams ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) never take
 * the environment's proxy, as Java's {@code http.nonProxyHosts} default: a local Ollama or vLLM, and a test's fakes,
 * stay local on a machine whose environment names a proxy for the internet. A provider's own {@code proxy} still
 * applies to them.
 */
final class ProxyEnvironment {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f]*:[0-9a-f:.]*(?:%.+)?");

    private ProxyEnvironment() {
    }

    /** The environment's proxy for {@code upstream}, if it has one and {@code NO_PROXY} does not list the upstream. */
    static Optional<HttpProxy> proxyFor(Map<String, String> env, URI upstream) {
        boolean https = "https".equalsIgnoreCase(upstream.getScheme());
        String lower = https ? "https_proxy" : "http_proxy";
        String upper = https ? "HTTPS_PROXY" : "HTTP_PROXY";
        Optional<String> name = set(env, lower).map(v -> lower).or(() -> set(env, upper).map(v -> upper));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (loopback(upstream.getHost())) {
            return Optional.empty();
        }
        int port = upstream.getPort() >= 0 ? upstream.getPort() : https ? 443 : 80;
        Optional<String> noProxy = set(env, "no_proxy").or(() -> set(env, "NO_PROXY"));
        if (noProxy.isPresent() && bypasses(noProxy.get(), upstream.getHost(), port)) {
            return Optional.empty();
        }
        return Optional.of(HttpProxy.parse(env.get(name.get()), name.get()));
    }

    /** {@code localhost}, {@code 127.0.0.0/8} or {@code ::1}, as written (never resolved). */
    static boolean loopback(String host) {
        String h = normal(host);
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || IPV4.matcher(h).matches() && h.startsWith("127.");
    }

    private static Optional<String> set(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    /** Whether the {@code NO_PROXY} list {@code noProxy} names {@code host:port}. */
    static boolean bypasses(String noProxy, String host, int port) {
        String h = normal(host);
        for (String raw : noProxy.split(",")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.equals("*")) {
                return true;
            }
            if (!entry.isEmpty() && matches(entry, h, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String entry, String host, int port) {
        String name = entry;
        int close = entry.indexOf(']');
        int colon = entry.lastIndexOf(':');
        if (entry.startsWith("[") && close > 0) {
            name = entry.substring(1, close);
            if (entry.startsWith("]:", close)) {
                if (!samePort(entry.substring(close + 2), port)) {
                    return false;
                }
            }
        } else if (colon > 0 && entry.indexOf(':') == colon) { // one colon: host:port (IPv6 has more)
            name = entry.substring(0, colon);
            if (!samePort(entry.substring(colon + 1), port)) {
                return false;
            }
        }
        int slash = name.indexOf('/');
        if (slash > 0) {
            return inRange(name.substring(0, slash), name.substring(slash + 1), host);
        }
        name = normal(name);
        if (isIp(name)) {
            return isIp(host) && address(name).equals(address(host));
        }
        String domain = name.startsWith("*.") ? name.substring(2) : name.startsWith(".") ? name.substring(1) : name;
        return !domain.isEmpty() && (host.equals(domain) || host.endsWith("." + domain));
    }

    private static boolean samePort(String p, int port) {
        return p.equals(Integer.toString(port));
    }

    /** Whether {@code host} (an IP address) is in {@code base/bits}; a host name never is (it is not resolved). */
    private static boolean inRange(String base, String bits, String host) {
        if (!isIp(base) || !isIp(host) || !bits.matches("\\d{1,3}")) {
            return false;
        }
        byte[] a = address(base).getAddress();
        byte[] b = address(host).getAddress();
        int n = Integer.parseInt(bits);
        if (a.length != b.length || n > a.length * 8) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Lower case, without IPv6 brackets and a trailing dot. */
    private static String normal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean isIp(String s) {
        return (IPV4.matcher(s).matches() || IPV6.matcher(s).matches()) && literal(s).isPresent();
    }

    private static InetAddress address(String ip) {
        return literal(ip).orElseThrow();
    }

    /** An IP literal's address; the patterns above admit literals only, so this never asks DNS. */
    private static Optional<InetAddress> literal(String ip) {
        try {
            return Optional.of(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
