package io.hpp.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsNeedNoFileAndNoEnvironment() {
        RouterConfig c = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.dbUrl()).isEqualTo("jdbc:sqlite:./data/hpp-router.db");
        assertThat(c.maxBodyBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(c.adminToken()).isEmpty();
        assertThat(c.provider("ollama").orElseThrow().baseUrl().toString()).isEqualTo("http://127.0.0.1:11434");
        assertThat(c.provider("openai")).as("no key, not configured").isEmpty();
        assertThat(c.overflowPolicy()).isEqualTo(RouterConfig.OverflowPolicy.CAP_OUTPUT);
    }

    @Test
    void settlementsAreSetAsideNextToTheSqliteFileOrInDataOrWhereConfigured() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:/srv/hpp/router.db")).setAsideFile())
                .isEqualTo(Path.of("/srv/hpp/settlements-set-aside.jsonl"));
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:postgresql://db/hpp")).setAsideFile())
                .isEqualTo(Path.of("data/settlements-set-aside.jsonl"));
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_SET_ASIDE_FILE", "/var/lib/hpp/left.jsonl")).setAsideFile())
                .isEqualTo(Path.of("/var/lib/hpp/left.jsonl"));
    }

    @Test
    void yamlWithEnvSubstitutionIsReadAndEnvironmentWins() throws IOException {
        Path f = dir.resolve("hpp-router.yaml");
        Files.writeString(f, """
                server:
                  port: ${MY_PORT:-9090}
                database:
                  url: jdbc:sqlite:/tmp/x.db
                providers:
                  openai:
                    api_key: ${OPENAI_SECRET}
                    base_url: http://127.0.0.1:9999/v1
                """);
        RouterConfig c = ConfigLoader.load(Optional.of(f), Map.of("OPENAI_SECRET", "sk-test", "HPP_ROUTER_DB_URL", "jdbc:sqlite:/tmp/y.db"));
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.dbUrl()).isEqualTo("jdbc:sqlite:/tmp/y.db");
        ProviderConfig openai = c.provider("openai").orElseThrow();
        assertThat(openai.apiKey().orElseThrow().reveal()).isEqualTo("sk-test");
        assertThat(openai.apiKey().orElseThrow().toString()).isEqualTo("*****");
        assertThat(openai.baseUrl().toString()).isEqualTo("http://127.0.0.1:9999/v1");
    }

    @Test
    void badValuesFailNamingTheKeyAndTheExpectedForm() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_PORT", "eighty")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.port").hasMessageContaining("HPP_ROUTER_PORT").hasMessageContaining("integer");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "mysql://x")))
                .hasMessageContaining("HPP_ROUTER_DB_URL").hasMessageContaining("jdbc:sqlite:");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("OLLAMA_BASE_URL", "ftp://x")))
                .hasMessageContaining("OLLAMA_BASE_URL").hasMessageContaining("http");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_QUOTA_OVERFLOW", "maybe")))
                .hasMessageContaining("cap_output");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_ADMIN_TOKEN", "short")))
                .hasMessageContaining("16 characters");
    }

    @Test
    void edgeLimitsHaveSafeDefaultsAndEveryOneCanBeSetFromTheFileOrTheEnvironment() throws IOException {
        RouterConfig.Edge d = ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_MAX_CONNECTIONS", "400",
                "HPP_ROUTER_MAX_IN_FLIGHT_BODY_BYTES", "1048576")).edge();
        assertThat(d.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(d.bodyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.bodyMinRate()).isEqualTo(4096);
        assertThat(d.maxConnectionsPerAddress()).as("a quarter of max_connections").isEqualTo(100);
        assertThat(d.maxBodyBytesPerConsumer()).as("half the body budget").isEqualTo(524288);
        assertThat(d.authFailureLimit()).isEqualTo(30);
        assertThat(d.authFailureWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.metricsToken()).isEmpty();
        assertThat(d.metricsConsumerLabels()).isFalse();
        assertThat(d.adminPort()).isEmpty();
        assertThat(d.metricsPort()).isEmpty();
        assertThat(d.internalHost()).isEqualTo("0.0.0.0");

        Path f = dir.resolve("edge.yaml");
        Files.writeString(f, """
                server:
                  header_timeout_ms: 5000
                  idle_timeout_ms: 30000
                  body_timeout_ms: 7000
                  body_min_rate_bytes: 1024
                  max_connections_per_address: 64
                  max_in_flight_body_bytes_per_consumer: 2048
                  auth_failure_limit: 0
                  auth_failure_window_ms: 5000
                  internal_host: 127.0.0.1
                metrics:
                  token: metrics-token-0123456789
                  consumer_labels: true
                  port: 9090
                admin:
                  port: 9091
                """);
        RouterConfig.Edge e = ConfigLoader.load(Optional.of(f), Map.of("HPP_ROUTER_IDLE_TIMEOUT_MS", "20000")).edge();
        assertThat(e.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(e.idleTimeout()).as("the environment wins").isEqualTo(Duration.ofSeconds(20));
        assertThat(e.bodyTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.bodyMinRate()).isEqualTo(1024);
        assertThat(e.maxConnectionsPerAddress()).isEqualTo(64);
        assertThat(e.maxBodyBytesPerConsumer()).isEqualTo(2048);
        assertThat(e.authFailureLimit()).isZero();
        assertThat(e.authFailureWindow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(e.metricsToken().orElseThrow().toString()).isEqualTo("*****");
        assertThat(e.metricsConsumerLabels()).isTrue();
        assertThat(e.metricsPort()).hasValue(9090);
        assertThat(e.adminPort()).hasValue(9091);
        assertThat(e.internalHost()).isEqualTo("127.0.0.1");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_METRICS_CONSUMER_LABELS", "yes")))
                .hasMessageContaining("metrics.consumer_labels").hasMessageContaining("true or false");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_METRICS_TOKEN", "short")))
                .hasMessageContaining("HPP_ROUTER_METRICS_TOKEN").hasMessageContaining("16 characters");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_ADMIN_PORT", "8080")))
                .hasMessageContaining("other than server.port 8080");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_HEADER_TIMEOUT_MS", "0")))
                .hasMessageContaining("server.header_timeout_ms").hasMessageContaining("integer from 100");
    }

    @Test
    void malformedYamlIsReportedWithTheFileName() throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "server: [unclosed");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of())).hasMessageContaining("bad.yaml");
    }
}
