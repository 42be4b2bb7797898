package io.hpp.router.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Parses and checks the values of one provider's settings that have a form of their own: URLs, headers, files. */
final class ProviderValues {
    /** RFC 9110 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the HTTP client writes itself: a second copy would make the request ambiguous. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "content-type", "accept");

    private ProviderValues() {
    }

    /** An http(s) URL with a host, without credentials (they would be shown), a query or a fragment; no trailing slash. */
    static Optional<URI> baseUrl(String text) {
        String t = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        try {
            URI uri = new URI(t);
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!http || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** {@code http://host:port}: the proxy the transport connects through (credentials are not supported). */
    static Optional<URI> proxy(String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            boolean ok = "http".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0
                    && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            return ok ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** A readable file holding at least one PEM (or DER) certificate. */
    static Path caFile(String key, String text) {
        String expected = "config key '" + key + "': expected a readable PEM file of CA certificates, got '" + text + "'";
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException(expected);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(expected + " (no such readable file)");
        }
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new ConfigException(expected + " (it holds no certificate)");
            }
        } catch (IOException | CertificateException e) {
            throw new ConfigException(expected + " (it holds no certificate the JVM can read)");
        }
        return path;
    }

    /**
     * {@code providers.<name>.headers.<Header>}: extra headers for every request. A value must fit on one line; an
     * empty one (an unset {@code ${VAR:-}}) leaves the header out. The header that carries the API key cannot be set
     * beside an {@code api_key}, nor can those the HTTP client writes.
     */
    static Map<String, Secret> headers(String provider, ProviderConfig.Type type, boolean hasKey, Map<String, String> values) {
        String prefix = "providers." + provider + ".headers";
        Map<String, Secret> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().equals(prefix)) {
                throw new ConfigException("config key '" + prefix + "': expected a mapping of header names to values");
            }
            if (!e.getKey().startsWith(prefix + ".")) {
                continue;
            }
            String name = e.getKey().substring(prefix.length() + 1);
            String value = e.getValue().trim();
            if (!HEADER_NAME.matcher(name).matches() || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new ConfigException("config key '" + e.getKey() + "': expected a header name other than "
                        + String.join(", ", RESERVED.stream().sorted().toList()) + ", of letters, digits and -, got '" + name + "'");
            }
            if (hasKey && name.equalsIgnoreCase(type.authHeader())) {
                throw new ConfigException("config key '" + e.getKey() + "': the api_key is sent in " + type.authHeader()
                        + "; set one of the two");
            }
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new ConfigException("config key '" + e.getKey() + "': expected a value on one line");
            }
            if (!value.isEmpty() && headers.put(name, Secret.of(value)) != null) {
                throw new ConfigException("config key '" + e.getKey() + "': the header is given twice (names ignore case)");
            }
        }
        return headers;
    }
}
