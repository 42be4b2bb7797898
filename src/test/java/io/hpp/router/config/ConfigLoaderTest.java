package io.hpp.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void malformedYamlIsReportedWithTheFileName() throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "server: [unclosed");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of())).hasMessageContaining("bad.yaml");
    }
}
