package io.hpp.router.upstream;

import io.hpp.router.config.ProviderConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The provider HTTP client ({@link Upstream}) against a {@link RawServer}; both are closed after each test. */
abstract class RawServerTestBase {
    final Watchdog watchdog = new Watchdog();
    RawServer server;
    Upstream upstream;

    @AfterEach
    void stop() throws IOException {
        if (upstream != null) {
            upstream.close();
        }
        watchdog.close();
        if (server != null) {
            server.close();
        }
    }

    /** A client for {@link #server} with this first-byte timeout (connect 2 s, idle 5 s). */
    Upstream upstream(Duration firstByte) {
        ProviderConfig pc = new ProviderConfig("openai", URI.create("http://127.0.0.1:" + server.port() + "/v1"), Optional.empty(),
                Duration.ofSeconds(2), firstByte, Duration.ofSeconds(5));
        return new Upstream(pc, watchdog);
    }
}
