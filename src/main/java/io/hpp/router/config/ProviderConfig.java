package io.hpp.router.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach one upstream provider. {@code apiKey} is empty for keyless upstreams such as a local Ollama.
 * Timeouts: connect, first byte (headers of the answer) and idle (the longest gap between two reads of a stream).
 */
public record ProviderConfig(String name, URI baseUrl, Optional<Secret> apiKey,
                             Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout) {
}
