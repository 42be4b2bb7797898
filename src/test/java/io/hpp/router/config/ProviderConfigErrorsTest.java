package io.hpp.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Providers by configuration: what a provider block becomes, and each mistake stopping start-up with its key named. */
class ProviderConfigErrorsTest {
    @TempDir
    Path dir;

    private RouterConfig load(String yaml, Map<String, String> env) throws IOException {
        Path f = dir.resolve("hpp-router.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(Optional.of(f), env);
    }

    private void fails(String yaml, Map<String, String> env, String... messageParts) {
        assertThatThrownBy(() -> load(yaml, env)).isInstanceOf(ConfigException.class).hasMessageContainingAll(messageParts);
    }

    @Test
    void aProviderBlockBecomesItsConfigWithHeadersProxyAndTimeouts() throws IOException {
        RouterConfig c = load("""
                providers:
                  deepseek:
                    type: openai
                    base_url: https://api.deepseek.com/
                    api_key: ${DEEPSEEK_API_KEY}
                    headers:
                      X-Team: ${TEAM}
                      X-Optional: ${UNSET_OPTIONAL:-}
                    proxy: http://proxy.internal:3128
                    connect_timeout_ms: 1500
                  azure:
                    type: azure-openai
                    base_url: https://my-resource.openai.azure.com
                    api_key: ${AZURE_KEY}
                """, Map.of("DEEPSEEK_API_KEY", "sk-ds", "TEAM", "team-7", "AZURE_KEY", "az"));
        ProviderConfig ds = c.provider("deepseek").orElseThrow();
        assertThat(ds.type()).isEqualTo(ProviderConfig.Type.OPENAI);
        assertThat(ds.baseUrl().toString()).isEqualTo("https://api.deepseek.com");
        assertThat(ds.apiKey().orElseThrow().reveal()).isEqualTo("sk-ds");
        assertThat(ds.headers()).containsOnlyKeys("X-Team");
        assertThat(ds.headers().get("X-Team").reveal()).isEqualTo("team-7");
        assertThat(ds.proxyAddress()).contains("proxy.internal:3128");
        assertThat(ds.connectTimeout().toMillis()).isEqualTo(1500);
        assertThat(ds.firstByteTimeout().toMillis()).isEqualTo(120_000);
        assertThat(ds.toString()).doesNotContain("sk-ds", "team-7").contains("X-Team", "proxy.internal:3128");
        ProviderConfig az = c.provider("azure").orElseThrow();
        assertThat(az.type()).isEqualTo(ProviderConfig.Type.AZURE_OPENAI);
        assertThat(az.apiVersion()).isEqualTo(ProviderConfig.AZURE_API_VERSION);
    }

    @Test
    void presetsKeepTheirEnvironmentVariablesAndOneWithoutItsKeyIsReportedNotDropped() {
        RouterConfig c = ConfigLoader.load(Optional.empty(), Map.of("MOONSHOT_API_KEY", "sk-m", "OLLAMA_BASE_URL", "http://gpu:11434"));
        assertThat(c.provider("moonshotai").orElseThrow().baseUrl().toString()).isEqualTo("https://api.moonshot.ai/v1");
        assertThat(c.provider("ollama").orElseThrow().baseUrl().toString()).isEqualTo("http://gpu:11434");
        assertThat(c.provider("openai")).isEmpty();
        assertThat(c.unconfiguredProviders()).containsOnlyKeys("openai", "anthropic");
        assertThat(c.unconfiguredProviders().get("anthropic").type()).isEqualTo(ProviderConfig.Type.ANTHROPIC);
        assertThat(c.providerStates()).containsExactly(Map.entry("anthropic", "no api key"), Map.entry("moonshotai", "ok"),
                Map.entry("ollama", "ok"), Map.entry("openai", "no api key"));
    }

    @Test
    void aPresetCanSpeakAnotherWireFormatFromTheFile() throws IOException {
        RouterConfig c = load("""
                providers:
                  moonshotai:
                    type: anthropic
                    base_url: https://api.moonshot.ai/anthropic
                """, Map.of("MOONSHOT_API_KEY", "sk-m"));
        assertThat(c.provider("moonshotai").orElseThrow().type()).isEqualTo(ProviderConfig.Type.ANTHROPIC);
        assertThat(c.provider("moonshotai").orElseThrow().baseUrl().getPath()).isEqualTo("/anthropic");
    }

    @Test
    void anUnknownTypeIsRefusedNamingTheKeyAndTheTypes() {
        fails("""
                providers:
                  deepseek: {type: openai-compatible, base_url: "https://api.deepseek.com"}
                """, Map.of(), "'providers.deepseek.type'", "one of openai, anthropic, azure-openai", "openai-compatible");
        fails("""
                providers:
                  deepseek: {base_url: "https://api.deepseek.com"}
                """, Map.of(), "'providers.deepseek.type' is required");
    }

    @Test
    void aKeyVariableThatIsNotSetStopsStartUp() {
        fails("""
                providers:
                  deepseek: {type: openai, base_url: "https://api.deepseek.com", api_key: "${DEEPSEEK_API_KEY}"}
                """, Map.of(), "config key 'providers.deepseek.api_key': environment variable DEEPSEEK_API_KEY is not set");
        fails("""
                providers:
                  claude-proxy: {type: anthropic, base_url: "https://llm.example.com"}
                """, Map.of(), "'providers.claude-proxy.api_key'", "type anthropic needs an API key");
    }

    @Test
    void aBadUrlIsRefusedNamingTheKeyAndTheForm() {
        fails("""
                providers:
                  groq: {type: openai, base_url: "api.groq.com/openai/v1"}
                """, Map.of(), "'providers.groq.base_url'", "http:// or https:// URL", "api.groq.com/openai/v1");
        fails("""
                providers:
                  groq: {type: openai, base_url: "https://user:secret@api.groq.com/openai/v1"}
                """, Map.of(), "'providers.groq.base_url'", "without credentials");
        fails("""
                providers:
                  groq: {type: openai}
                """, Map.of(), "'providers.groq.base_url' is required");
        fails("""
                providers:
                  groq: {type: openai, base_url: "https://api.groq.com/openai/v1", proxy: "http://u:p@proxy:3128"}
                """, Map.of(), "'providers.groq.proxy'", "http://host:port");
    }

    @Test
    void aBadNameOrAnUnknownSettingIsRefused() {
        fails("""
                providers:
                  Deep_Seek: {type: openai, base_url: "https://api.deepseek.com"}
                """, Map.of(), "'providers.Deep_Seek'", "lower-case letters, digits and '-'");
        fails("""
                providers:
                  deepseek: {type: openai, baseurl: "https://api.deepseek.com"}
                """, Map.of(), "'providers.deepseek.baseurl'", "unknown setting", "base_url");
        fails("""
                providers:
                  deepseek: {type: openai, base_url: "https://api.deepseek.com", api_version: "2024-10-21"}
                """, Map.of(), "'providers.deepseek.api_version'", "only type azure-openai");
        fails("""
                providers:
                  azure: {type: azure-openai, base_url: "https://r.openai.azure.com", api_key: k, api_version: "latest"}
                """, Map.of(), "'providers.azure.api_version'", "2024-10-21");
    }

    @Test
    void headersThatWouldClashAreRefused() {
        fails("""
                providers:
                  openrouter:
                    type: openai
                    base_url: https://openrouter.ai/api/v1
                    api_key: k
                    headers: {Authorization: "Bearer other"}
                """, Map.of(), "'providers.openrouter.headers.Authorization'", "api_key is sent in Authorization");
        fails("""
                providers:
                  openrouter:
                    type: openai
                    base_url: https://openrouter.ai/api/v1
                    headers: {Content-Length: "5"}
                """, Map.of(), "'providers.openrouter.headers.Content-Length'", "header name other than");
        fails("""
                providers:
                  openrouter:
                    type: openai
                    base_url: https://openrouter.ai/api/v1
                    headers: {X-Evil: "${EVIL}"}
                """, Map.of("EVIL", "a\r\nHost: elsewhere"), "'providers.openrouter.headers.X-Evil'", "one line");
    }

    @Test
    void aCaFileMustHoldACertificate() throws Exception {
        Path notPem = dir.resolve("not.pem");
        Files.writeString(notPem, "hello");
        fails("""
                providers:
                  vllm: {type: openai, base_url: "https://vllm.internal/v1", ca_file: "%s"}
                """.formatted(notPem), Map.of(), "'providers.vllm.ca_file'", "PEM file", "no certificate");
        fails("""
                providers:
                  vllm: {type: openai, base_url: "https://vllm.internal/v1", ca_file: "%s"}
                """.formatted(dir.resolve("missing.pem")), Map.of(), "'providers.vllm.ca_file'", "no such readable file");
        Path pem = certificate();
        RouterConfig c = load("""
                providers:
                  vllm: {type: openai, base_url: "https://vllm.internal/v1", ca_file: "%s"}
                """.formatted(pem), Map.of());
        assertThat(c.provider("vllm").orElseThrow().caFile()).contains(pem);
    }

    /** A throw-away certificate in PEM, made with the JDK's keytool. */
    private Path certificate() throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path store = dir.resolve("ca.p12");
        Path pem = dir.resolve("ca.pem");
        run(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=test-ca", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-file", pem.toString());
        return pem;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
