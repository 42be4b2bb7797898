package io.hpp.router.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads {@link RouterConfig}: built-in defaults, then the optional YAML file (with {@code ${ENV:-default}}
 * substitution), then environment variables, which win. A bad value fails with a message that names the key, the
 * environment variable and the expected form.
 */
public final class ConfigLoader {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> env;
    private final Map<String, String> values = new LinkedHashMap<>();

    private ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    /** Loads from {@code file} if it exists (it is optional) and from {@code env}. */
    public static RouterConfig load(Optional<Path> file, Map<String, String> env) {
        ConfigLoader loader = new ConfigLoader(env);
        file.filter(Files::isRegularFile).ifPresent(loader::readYaml);
        return loader.build();
    }

    private void readYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
        }
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new ConfigException("config file " + file + " must hold a YAML mapping at the top level");
            }
            flatten("", root);
        }
    }

    private void flatten(String prefix, JsonNode node) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue()));
        } else if (!node.isNull()) {
            values.put(prefix, substitute(node.asText(), prefix));
        }
    }

    private String substitute(String text, String key) {
        Matcher m = ENV_REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isEmpty()) {
                value = m.group(2);
            }
            if (value == null) {
                throw new ConfigException("config key '" + key + "': environment variable " + m.group(1)
                        + " is not set (set it, or write ${" + m.group(1) + ":-default} to give a default)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The value of {@code key}: environment variable first, then the file. */
    private Optional<String> raw(String key, String envVar) {
        String fromEnv = env.get(envVar);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(fromEnv.trim());
        }
        return Optional.ofNullable(values.get(key)).map(String::trim).filter(s -> !s.isEmpty());
    }

    private RouterConfig build() {
        String host = raw("server.host", "HPP_ROUTER_HOST").orElse("0.0.0.0");
        int port = (int) number("server.port", "HPP_ROUTER_PORT", 8080, 0, 65535);
        long maxBody = number("server.max_body_bytes", "HPP_ROUTER_MAX_BODY_BYTES", 20L * 1024 * 1024, 1024, Integer.MAX_VALUE);
        String dbUrl = raw("database.url", "HPP_ROUTER_DB_URL").orElse("jdbc:sqlite:./data/hpp-router.db");
        if (!dbUrl.startsWith("jdbc:sqlite:") && !dbUrl.startsWith("jdbc:postgresql://")) {
            throw bad("database.url", "HPP_ROUTER_DB_URL", "a JDBC URL starting with jdbc:sqlite: or jdbc:postgresql://", dbUrl);
        }
        Optional<String> dbUser = raw("database.user", "HPP_ROUTER_DB_USER");
        Optional<Secret> dbPassword = raw("database.password", "HPP_ROUTER_DB_PASSWORD").map(Secret::of);
        boolean sqlite = dbUrl.startsWith("jdbc:sqlite:");
        int poolSize = (int) number("database.pool_size", "HPP_ROUTER_DB_POOL_SIZE", sqlite ? 4 : 16, 1, 500);
        Duration dbConnectTimeout = Duration.ofMillis(number("database.connect_timeout_ms", "HPP_ROUTER_DB_CONNECT_TIMEOUT_MS", 3000, 250, 600_000));
        Optional<Secret> adminToken = raw("admin.token", "HPP_ROUTER_ADMIN_TOKEN").map(Secret::of);
        if (adminToken.isPresent() && adminToken.get().reveal().length() < 16) {
            throw new ConfigException("config key 'admin.token' (env HPP_ROUTER_ADMIN_TOKEN): expected at least 16 characters");
        }
        Duration cacheTtl = Duration.ofMillis(number("quota.cache_ttl_ms", "HPP_ROUTER_QUOTA_CACHE_TTL_MS", 2000, 0, 600_000));
        Duration reservationTtl = Duration.ofMillis(number("quota.reservation_ttl_ms", "HPP_ROUTER_RESERVATION_TTL_MS", 1_800_000, 100, 86_400_000));
        Duration sweepInterval = Duration.ofMillis(number("quota.sweep_interval_ms", "HPP_ROUTER_SWEEP_INTERVAL_MS", 60_000, 50, 3_600_000));
        RouterConfig.OverflowPolicy overflow = overflowPolicy();
        ProviderLoader.Loaded providers = new ProviderLoader(values, env).load();
        RouterConfig.Resilience resilience = new RouterConfig.Resilience(
                (int) number("resilience.retries", "HPP_ROUTER_RETRIES", 1, 0, 5),
                Duration.ofMillis(number("resilience.retry_backoff_ms", "HPP_ROUTER_RETRY_BACKOFF_MS", 100, 0, 10_000)),
                (int) number("resilience.circuit_failures", "HPP_ROUTER_CIRCUIT_FAILURES", 5, 1, 1000),
                Duration.ofMillis(number("resilience.circuit_window_ms", "HPP_ROUTER_CIRCUIT_WINDOW_MS", 30_000, 100, 3_600_000)),
                Duration.ofMillis(number("resilience.circuit_cooldown_ms", "HPP_ROUTER_CIRCUIT_COOLDOWN_MS", 30_000, 10, 3_600_000)),
                Duration.ofMillis(number("server.drain_timeout_ms", "HPP_ROUTER_DRAIN_TIMEOUT_MS", 30_000, 0, 600_000)),
                (int) number("server.max_in_flight", "HPP_ROUTER_MAX_IN_FLIGHT", 5_500, 1, 1_000_000),
                (int) number("server.max_connections", "HPP_ROUTER_MAX_CONNECTIONS", 6_000, 1, 1_000_000),
                // a tenth of the heap: bodies are held with their parsed tree and the copy sent upstream, ~3× their size
                number("server.max_in_flight_body_bytes", "HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES",
                        Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 10), 1024, Integer.MAX_VALUE),
                // a fifth of the heap: an answer is held with the copy of it written to the client, ~2× its size
                number("server.max_in_flight_answer_bytes", "HPP_ROUTER_MAX_IN_FLIGHT_ANSWER_BYTES",
                        Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 5), 1024, Integer.MAX_VALUE),
                Duration.ofMillis(number("server.answer_memory_wait_ms", "HPP_ROUTER_ANSWER_MEMORY_WAIT_MS", 10_000, 0, 600_000)),
                Duration.ofMillis(number("resilience.disconnect_drain_ms", "HPP_ROUTER_DISCONNECT_DRAIN_MS", 30_000, 0, 600_000)),
                Duration.ofMillis(number("resilience.stream_ping_ms", "HPP_ROUTER_STREAM_PING_MS", 10_000, 50, 600_000)));
        return new RouterConfig(host, port, maxBody, dbUrl, dbUser, dbPassword, poolSize, dbConnectTimeout, adminToken, cacheTtl,
                reservationTtl, sweepInterval, overflow, Map.copyOf(providers.configured()), resilience, corsOrigins(), setAsideFile(dbUrl),
                edge(host, port, resilience),
                Duration.ofDays(number("responses.retention_days", "HPP_ROUTER_RESPONSES_RETENTION_DAYS", 30, 1, 3650)),
                journalDir(setAsideFile(dbUrl)), Map.copyOf(providers.unconfigured()));
    }

    /** Next to the set-aside file by default (the router's data folder). */
    private Path journalDir(Path setAsideFile) {
        Optional<String> v = raw("settlements.journal_dir", "HPP_ROUTER_JOURNAL_DIR");
        if (v.isEmpty()) {
            Path parent = setAsideFile.toAbsolutePath().getParent();
            return (parent == null ? Path.of("data") : parent).resolve("journal");
        }
        try {
            return Path.of(v.get());
        } catch (java.nio.file.InvalidPathException e) {
            throw bad("settlements.journal_dir", "HPP_ROUTER_JOURNAL_DIR", "a folder path", v.get());
        }
    }

    /** Next to the SQLite file by default (its folder holds the router's data); ./data with PostgreSQL. */
    private Path setAsideFile(String dbUrl) {
        Optional<String> v = raw("settlements.set_aside_file", "HPP_ROUTER_SET_ASIDE_FILE");
        if (v.isEmpty()) {
            Path dir = RouterConfig.sqliteFile(dbUrl).map(Path::toAbsolutePath).map(Path::getParent).orElse(Path.of("data"));
            return dir.resolve("settlements-set-aside.jsonl");
        }
        try {
            return Path.of(v.get());
        } catch (java.nio.file.InvalidPathException e) {
            throw bad("settlements.set_aside_file", "HPP_ROUTER_SET_ASIDE_FILE", "a file path", v.get());
        }
    }

    private RouterConfig.Edge edge(String host, int port, RouterConfig.Resilience resilience) {
        Optional<Secret> metricsToken = raw("metrics.token", "HPP_ROUTER_METRICS_TOKEN").map(Secret::of);
        if (metricsToken.isPresent() && metricsToken.get().reveal().length() < 16) {
            throw new ConfigException("config key 'metrics.token' (env HPP_ROUTER_METRICS_TOKEN): expected at least 16 characters");
        }
        OptionalInt adminPort = optionalPort("admin.port", "HPP_ROUTER_ADMIN_PORT");
        OptionalInt metricsPort = optionalPort("metrics.port", "HPP_ROUTER_METRICS_PORT");
        for (OptionalInt p : new OptionalInt[] {adminPort, metricsPort}) {
            if (p.isPresent() && p.getAsInt() != 0 && p.getAsInt() == port) {
                throw new ConfigException("config keys 'admin.port' and 'metrics.port' (env HPP_ROUTER_ADMIN_PORT, HPP_ROUTER_METRICS_PORT):"
                        + " expected a port other than server.port " + port + ", got " + p.getAsInt());
            }
        }
        return new RouterConfig.Edge(
                Duration.ofMillis(number("server.header_timeout_ms", "HPP_ROUTER_HEADER_TIMEOUT_MS", 10_000, 100, 3_600_000)),
                Duration.ofMillis(number("server.idle_timeout_ms", "HPP_ROUTER_IDLE_TIMEOUT_MS", 75_000, 100, 3_600_000)),
                Duration.ofMillis(number("server.body_timeout_ms", "HPP_ROUTER_BODY_TIMEOUT_MS", 10_000, 100, 3_600_000)),
                number("server.body_min_rate_bytes", "HPP_ROUTER_BODY_MIN_RATE_BYTES", 4096, 1, Integer.MAX_VALUE),
                (int) number("server.max_connections_per_address", "HPP_ROUTER_MAX_CONNECTIONS_PER_ADDRESS",
                        Math.max(1, resilience.maxConnections() / 4), 1, 1_000_000),
                number("server.max_in_flight_body_bytes_per_consumer", "HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES_PER_CONSUMER",
                        Math.max(1024, resilience.maxInFlightBodyBytes() / 2), 1024, Integer.MAX_VALUE),
                (int) number("server.auth_failure_limit", "HPP_ROUTER_AUTH_FAILURE_LIMIT", 30, 0, 1_000_000),
                Duration.ofMillis(number("server.auth_failure_window_ms", "HPP_ROUTER_AUTH_FAILURE_WINDOW_MS", 60_000, 1000, 86_400_000)),
                metricsToken,
                flag("metrics.consumer_labels", "HPP_ROUTER_METRICS_CONSUMER_LABELS", false),
                adminPort, metricsPort,
                raw("server.internal_host", "HPP_ROUTER_INTERNAL_HOST").orElse(host));
    }

    private OptionalInt optionalPort(String key, String envVar) {
        return raw(key, envVar).isEmpty() ? OptionalInt.empty() : OptionalInt.of((int) number(key, envVar, 0, 0, 65535));
    }

    private boolean flag(String key, String envVar, boolean dflt) {
        String v = raw(key, envVar).orElse(String.valueOf(dflt)).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, envVar, "true or false", v);
        };
    }

    private java.util.Set<String> corsOrigins() {
        String v = raw("server.cors_origins", "HPP_ROUTER_CORS_ORIGINS").orElse("*");
        java.util.Set<String> origins = new java.util.LinkedHashSet<>();
        for (String o : v.split(",")) {
            String t = o.trim();
            if (!t.isEmpty()) {
                if (!t.equals("*") && !t.matches("https?://[^/\\s]+")) {
                    throw bad("server.cors_origins", "HPP_ROUTER_CORS_ORIGINS", "* or a comma-separated list of origins like https://app.example.com", t);
                }
                origins.add(t);
            }
        }
        return java.util.Set.copyOf(origins);
    }

    private RouterConfig.OverflowPolicy overflowPolicy() {
        String v = raw("quota.overflow", "HPP_ROUTER_QUOTA_OVERFLOW").orElse("cap_output");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "cap_output" -> RouterConfig.OverflowPolicy.CAP_OUTPUT;
            case "reject" -> RouterConfig.OverflowPolicy.REJECT;
            case "check_only" -> RouterConfig.OverflowPolicy.CHECK_ONLY;
            default -> throw bad("quota.overflow", "HPP_ROUTER_QUOTA_OVERFLOW", "one of cap_output, reject, check_only", v);
        };
    }

    private long number(String key, String envVar, long dflt, long min, long max) {
        Optional<String> v = raw(key, envVar);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.get());
            if (n < min || n > max) {
                throw bad(key, envVar, "an integer from " + min + " to " + max, v.get());
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(key, envVar, "an integer from " + min + " to " + max, v.get());
        }
    }

    private static ConfigException bad(String key, String envVar, String expected, String got) {
        return new ConfigException("config key '" + key + "' (env " + envVar + "): expected " + expected + ", got '" + got + "'");
    }
}
