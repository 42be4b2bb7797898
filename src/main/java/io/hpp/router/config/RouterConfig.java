package io.hpp.router.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the router reads at start-up. Built by {@link ConfigLoader}; immutable afterwards.
 *
 * @param host           address to bind
 * @param port           port to bind (0 picks a free one)
 * @param maxBodyBytes   largest request body accepted; larger ones get 413
 * @param dbUrl          {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}
 * @param dbUser         database user (PostgreSQL)
 * @param dbPassword     database password (PostgreSQL)
 * @param dbPoolSize     connections in the pool
 * @param dbConnectTimeout how long to wait for a connection before failing closed
 * @param adminToken     bearer token of the admin API; empty disables the admin API
 * @param quotaCacheTtl  how long a quota-check answer stays fresh
 * @param reservationTtl how long a quota hold lives if its node never settles it (crashed)
 * @param sweepInterval  how often expired holds are released
 * @param overflowPolicy what to do when the balance cannot cover a request's output cap
 * @param providers      upstream providers that can serve, by name: the presets (openai, anthropic, moonshotai, ollama)
 *                       that have what they need, and those the YAML names
 * @param resilience     retries, circuit breaking, drain on shutdown
 * @param corsOrigins    browser origins allowed on the consumer API ({@code *}: any); never the admin API
 * @param setAsideFile   where settlements the database refuses (even with their text cleaned) are kept for an operator
 * @param journalDir     where each node journals its settlements before it finishes their answers (a folder per node);
 *                       nodes sharing a database should share it, so that one replays a dead one's journal
 * @param edge           what a client may hold at the router's edge: connection and body deadlines, shares per address
 *                       and per consumer, authentication throttling, and who may see metrics and the admin API
 * @param responsesRetention how long a stored Responses API response is kept for previous_response_id and GET
 *                           ({@code responses.retention_days}, {@code HPP_ROUTER_RESPONSES_RETENTION_DAYS}, 30 days)
 * @param unconfiguredProviders presets left without the API key they need: not served, but reported (start-up log,
 *                              {@code /readyz}, the admin API) rather than silently left out
 */
public record RouterConfig(String host, int port, long maxBodyBytes, String dbUrl, Optional<String> dbUser,
                           Optional<Secret> dbPassword, int dbPoolSize, Duration dbConnectTimeout,
                           Optional<Secret> adminToken, Duration quotaCacheTtl, Duration reservationTtl, Duration sweepInterval,
                           OverflowPolicy overflowPolicy, Map<String, ProviderConfig> providers, Resilience resilience,
                           java.util.Set<String> corsOrigins, Path setAsideFile, Edge edge, Duration responsesRetention,
                           Path journalDir, Map<String, ProviderConfig> unconfiguredProviders) {

    /**
     * How the router copes with failing providers and with shutting down.
     *
     * @param retries         extra attempts on the same model after a retryable failure, before its fallbacks
     * @param retryBackoff    wait before the first retry; doubled for each further one
     * @param circuitFailures retryable failures within {@code circuitWindow} that open a model's circuit
     * @param circuitCooldown how long an open circuit skips its model (longer if the provider sent Retry-After)
     * @param drainTimeout    on SIGTERM, how long requests in flight (streams) may take to finish
     * @param maxInFlight     requests (open streams included) handled at once; more get 503 {@code overloaded}
     * @param maxConnections  client connections held open at once; more wait to be accepted
     * @param maxInFlightBodyBytes bytes of request bodies the requests in flight may hold; more get 503 {@code overloaded}
     * @param maxInFlightAnswerBytes bytes of non-streamed answers the requests in flight may hold; an answer waits
     *                               for room up to {@code answerMemoryWait}, then gets 503 {@code overloaded}
     * @param disconnectDrain after a client hangs up on a stream, how long the provider's stream is still read (not
     *                        relayed) for its usage; without it by then, the request is charged its hold
     * @param streamPing      a translated Messages stream whose provider has been silent this long gets a {@code ping}
     *                        event, as Anthropic's own streams do, so clients and proxies do not take it for dead
     */
    public record Resilience(int retries, Duration retryBackoff, int circuitFailures, Duration circuitWindow,
                             Duration circuitCooldown, Duration drainTimeout, int maxInFlight, int maxConnections,
                             long maxInFlightBodyBytes, long maxInFlightAnswerBytes, Duration answerMemoryWait,
                             Duration disconnectDrain, Duration streamPing) {
    }

    /**
     * What one client may hold at the router's edge, so that no address or key can keep the others out.
     *
     * @param headerTimeout            a new connection must deliver its first request's headers within this
     *                                 ({@code server.header_timeout_ms}, {@code HPP_ROUTER_HEADER_TIMEOUT_MS}, 10 s)
     * @param idleTimeout              a kept-alive connection must start its next request within this after its last
     *                                 answer ({@code server.idle_timeout_ms}, {@code HPP_ROUTER_IDLE_TIMEOUT_MS}, 75 s)
     * @param bodyTimeout              a request body must arrive within this plus one second per
     *                                 {@code bodyMinRate} bytes received, or the request gets 408 and its connection is
     *                                 closed ({@code server.body_timeout_ms}, {@code HPP_ROUTER_BODY_TIMEOUT_MS}, 10 s)
     * @param bodyMinRate              bytes per second that extend a body's deadline by one second
     *                                 ({@code server.body_min_rate_bytes}, {@code HPP_ROUTER_BODY_MIN_RATE_BYTES}, 4096)
     * @param maxConnectionsPerAddress connections one client address (an IPv6 /64) may hold open; more get 429
     *                                 ({@code server.max_connections_per_address},
     *                                 {@code HPP_ROUTER_MAX_CONNECTIONS_PER_ADDRESS}, a quarter of max_connections)
     * @param maxBodyBytesPerConsumer  bytes of request bodies one consumer's requests may hold in flight while
     *                                 another of its requests holds some; more get 429
     *                                 ({@code server.max_in_flight_body_bytes_per_consumer},
     *                                 {@code HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES_PER_CONSUMER}, half the body budget)
     * @param authFailureLimit         wrong keys or admin tokens one address may present within
     *                                 {@code authFailureWindow}; past it every authentication from that address gets
     *                                 429 until the window ends; 0 turns throttling off
     *                                 ({@code server.auth_failure_limit}, {@code HPP_ROUTER_AUTH_FAILURE_LIMIT}, 30)
     * @param authFailureWindow        ({@code server.auth_failure_window_ms}, {@code HPP_ROUTER_AUTH_FAILURE_WINDOW_MS}, 60 s)
     * @param metricsToken             bearer token {@code /metrics} requires; empty leaves it open
     *                                 ({@code metrics.token}, {@code HPP_ROUTER_METRICS_TOKEN})
     * @param metricsConsumerLabels    label spend by consumer id in the metrics; off, one series {@code consumer="all"}
     *                                 ({@code metrics.consumer_labels}, {@code HPP_ROUTER_METRICS_CONSUMER_LABELS}, false)
     * @param adminPort                serve the admin API on this port only, not on {@code port} (0 picks a free one)
     *                                 ({@code admin.port}, {@code HPP_ROUTER_ADMIN_PORT}; empty: on {@code port})
     * @param metricsPort              serve {@code /metrics} (and health, readiness) on this port; {@code /metrics} then
     *                                 leaves {@code port} ({@code metrics.port}, {@code HPP_ROUTER_METRICS_PORT})
     * @param internalHost             address the admin and metrics ports bind ({@code server.internal_host},
     *                                 {@code HPP_ROUTER_INTERNAL_HOST}, {@code host})
     */
    public record Edge(Duration headerTimeout, Duration idleTimeout, Duration bodyTimeout, long bodyMinRate,
                       int maxConnectionsPerAddress, long maxBodyBytesPerConsumer, int authFailureLimit,
                       Duration authFailureWindow, Optional<Secret> metricsToken, boolean metricsConsumerLabels,
                       OptionalInt adminPort, OptionalInt metricsPort, String internalHost) {
    }

    /** When the balance cannot pay for the requested output cap. */
    public enum OverflowPolicy {
        /** Lower the output cap sent upstream to what the consumer can afford (default). */
        CAP_OUTPUT,
        /** Refuse with 429 quota_exceeded. */
        REJECT,
        /** Only require a positive balance; the consumer may go below zero by one request. */
        CHECK_ONLY
    }

    /** The state of a provider left without the API key it needs. */
    public static final String NO_API_KEY = "no api key";

    /** Each provider configured or left without its key, by name: {@code ok}, or why it cannot serve. */
    public java.util.SortedMap<String, String> providerStates() {
        java.util.SortedMap<String, String> states = new java.util.TreeMap<>();
        providers.keySet().forEach(name -> states.put(name, "ok"));
        unconfiguredProviders.keySet().forEach(name -> states.put(name, NO_API_KEY));
        return states;
    }

    public Optional<ProviderConfig> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** The SQLite file of a {@code jdbc:sqlite:} URL, if it names one. */
    public Optional<Path> sqliteFile() {
        return sqliteFile(dbUrl);
    }

    /** The SQLite file of a {@code jdbc:sqlite:} URL, if it names one. */
    static Optional<Path> sqliteFile(String dbUrl) {
        if (!dbUrl.startsWith("jdbc:sqlite:")) {
            return Optional.empty();
        }
        String rest = dbUrl.substring("jdbc:sqlite:".length());
        int q = rest.indexOf('?');
        String file = q >= 0 ? rest.substring(0, q) : rest;
        return file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file::memory:")
                ? Optional.empty() : Optional.of(Path.of(file));
    }
}
