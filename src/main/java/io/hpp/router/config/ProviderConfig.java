package io.hpp.router.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How to reach one upstream provider. {@code apiKey} is empty for keyless upstreams such as a local Ollama.
 * Timeouts: connect, first byte (headers of the answer) and idle (the longest gap between two reads of a stream).
 *
 * @param type       the wire format and auth of the provider ({@code providers.<name>.type})
 * @param headers    extra headers sent on every request to the provider; their values may be secrets, so they are
 *                   {@link Secret}s and never printed
 * @param proxy      the HTTP proxy to reach the provider through ({@code http://host:port})
 * @param caFile     PEM certificates to trust for the provider's TLS, besides the JVM's own
 * @param apiVersion Azure OpenAI's {@code api-version} query parameter (read by {@link Type#AZURE_OPENAI} only)
 */
public record ProviderConfig(String name, URI baseUrl, Optional<Secret> apiKey,
                             Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
                             Type type, Map<String, Secret> headers, Optional<URI> proxy, Optional<Path> caFile,
                             String apiVersion) {
    /** Azure OpenAI's generally available data-plane version when this was written. */
    public static final String AZURE_API_VERSION = "2024-10-21";

    /** The wire format a provider speaks, which also says how it authenticates. */
    public enum Type {
        /** OpenAI chat completions, {@code Authorization: Bearer <key>}. */
        OPENAI("openai"),
        /** Anthropic Messages, {@code x-api-key: <key>}. */
        ANTHROPIC("anthropic"),
        /** OpenAI chat completions at Azure's deployment URLs, {@code api-key: <key>}. */
        AZURE_OPENAI("azure-openai");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        /** The name configuration and the admin API use. */
        public String wire() {
            return wire;
        }

        /** The header the API key is sent in. */
        public String authHeader() {
            return switch (this) {
                case OPENAI -> "Authorization";
                case ANTHROPIC -> "x-api-key";
                case AZURE_OPENAI -> "api-key";
            };
        }

        /** The type named {@code text} in configuration, if there is one. */
        public static Optional<Type> of(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (Type type : values()) {
                if (type.wire.equals(t)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    public ProviderConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(apiVersion, "apiVersion");
        // sorted: the order headers are sent in does not depend on the YAML's
        headers = java.util.Collections.unmodifiableMap(new TreeMap<>(headers));
    }

    /** An OpenAI-format provider without extra headers, proxy or certificates. */
    public ProviderConfig(String name, URI baseUrl, Optional<Secret> apiKey,
                          Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout) {
        this(name, baseUrl, apiKey, connectTimeout, firstByteTimeout, idleTimeout, Type.OPENAI, Map.of(), Optional.empty(),
                Optional.empty(), AZURE_API_VERSION);
    }

    /** The proxy as {@code host:port}, for views that must not show more. */
    public Optional<String> proxyAddress() {
        return proxy.map(p -> p.getHost() + ":" + p.getPort());
    }

    /** Names and places only: a key or a header value is never printed, even by accident. */
    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", type=" + type.wire() + ", baseUrl=" + baseUrl + ", apiKey="
                + apiKey.map(k -> "*****").orElse("none") + ", headers=" + headers.keySet() + ", proxy="
                + proxyAddress().orElse("none") + ", caFile=" + caFile.map(Path::toString).orElse("none") + "]";
    }
}
