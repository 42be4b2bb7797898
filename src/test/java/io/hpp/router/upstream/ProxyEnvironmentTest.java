package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which proxy the environment gives a provider, NO_PROXY's matching rules, and proxy URLs that are refused. */
class ProxyEnvironmentTest {
    private static final URI HTTPS = URI.create("https://api.openai.com/v1");
    private static final URI HTTP = URI.create("http://ollama.internal:11434/v1");

    @Test
    void theSchemesOwnVariableIsReadLowerCaseFirst() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://upper:3128", "https_proxy", "http://lower:3128", "HTTP_PROXY", "plain:8080");
        assertThat(ProxyEnvironment.proxyFor(env, HTTPS)).contains(new HttpProxy("lower", 3128, Optional.empty()));
        assertThat(ProxyEnvironment.proxyFor(env, HTTP)).as("host:port without a scheme is http").contains(new HttpProxy("plain", 8080, Optional.empty()));
        assertThat(ProxyEnvironment.proxyFor(Map.of("HTTPS_PROXY", "http://p"), HTTPS)).as("port 80 when absent")
                .contains(new HttpProxy("p", 80, Optional.empty()));
        assertThat(ProxyEnvironment.proxyFor(Map.of("HTTP_PROXY", "http://p:1"), HTTPS)).as("HTTP_PROXY is not for https").isEmpty();
        assertThat(ProxyEnvironment.proxyFor(Map.of("https_proxy", " ", "HTTPS_PROXY", "http://u:2"), HTTPS)).as("blank is unset")
                .contains(new HttpProxy("u", 2, Optional.empty()));
        assertThat(ProxyEnvironment.proxyFor(Map.of(), HTTPS)).isEmpty();
    }

    @Test
    void noProxyMatchesHostsDomainsAddressesRangesAndPorts() {
        assertThat(ProxyEnvironment.bypasses("*", "api.openai.com", 443)).isTrue();
        assertThat(ProxyEnvironment.bypasses("api.openai.com", "API.OpenAI.com.", 443)).as("case and a trailing dot").isTrue();
        for (String domain : new String[] {"openai.com", ".openai.com", "*.openai.com"}) {
            assertThat(ProxyEnvironment.bypasses("x, " + domain, "api.openai.com", 443)).as(domain).isTrue();
            assertThat(ProxyEnvironment.bypasses(domain, "openai.com", 443)).as(domain).isTrue();
            assertThat(ProxyEnvironment.bypasses(domain, "notopenai.com", 443)).as(domain).isFalse();
        }
        assertThat(ProxyEnvironment.bypasses("api.openai.com:443", "api.openai.com", 443)).isTrue();
        assertThat(ProxyEnvironment.bypasses("api.openai.com:8443", "api.openai.com", 443)).isFalse();
        assertThat(ProxyEnvironment.bypasses("10.1.2.3", "10.1.2.3", 80)).isTrue();
        assertThat(ProxyEnvironment.bypasses("10.0.0.0/8", "10.200.1.1", 80)).isTrue();
        assertThat(ProxyEnvironment.bypasses("10.0.0.0/8", "11.0.0.1", 80)).isFalse();
        assertThat(ProxyEnvironment.bypasses("10.0.0.0/8", "ten.example", 80)).as("names are never resolved").isFalse();
        assertThat(ProxyEnvironment.bypasses("::1", "[::1]", 80)).isTrue();
        assertThat(ProxyEnvironment.bypasses("[0:0::1]:80", "[::1]", 80)).as("IPv6 written another way, with a port").isTrue();
        assertThat(ProxyEnvironment.bypasses("[::1]:81", "[::1]", 80)).isFalse();
        assertThat(ProxyEnvironment.bypasses("fd00::/8", "[fd12::1]", 80)).isTrue();
        assertThat(ProxyEnvironment.bypasses("localhost", "127.0.0.1", 80)).as("loopback only when listed as written").isFalse();
        assertThat(ProxyEnvironment.bypasses("", "127.0.0.1", 80)).isFalse();
        assertThat(ProxyEnvironment.bypasses(" , ,", "a.b", 80)).isFalse();
    }

    @Test
    void noProxyAppliesToTheEnvironmentsProxyOnly() {
        Map<String, String> env = Map.of("https_proxy", "http://p:3128", "no_proxy", ".openai.com");
        assertThat(ProxyEnvironment.proxyFor(env, HTTPS)).isEmpty();
        assertThat(ProxyEnvironment.proxyFor(env, URI.create("https://api.anthropic.com"))).isPresent();
        assertThat(Transport.forProvider(Optional.of(URI.create("http://own:1")), Optional.empty(), env, HTTPS).toString())
                .isEqualTo("via proxy http://own:1");
        assertThat(Transport.fromEnvironment(env, HTTPS).toString()).isEqualTo("direct");
    }

    @Test
    void credentialsArePercentDecodedIntoBasicAndNeverPrinted() {
        HttpProxy p = HttpProxy.parse("http://us%3Aer:p%2Fss+w@proxy.corp:3128", "HTTPS_PROXY");
        assertThat(p.authorization()).contains("Basic " + Base64.getEncoder().encodeToString("us:er:p/ss+w".getBytes(StandardCharsets.UTF_8)));
        assertThat(p.toString()).isEqualTo("http://proxy.corp:3128");
        assertThat(HttpProxy.parse("http://only@h:1", "x").authorization())
                .contains("Basic " + Base64.getEncoder().encodeToString("only:".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void proxyUrlsThatAreNotHttpAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> HttpProxy.parse("https://u:secret@p:443", "HTTPS_PROXY"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HTTPS_PROXY must be an http:// proxy URL (http://[user:pass@]host:port), not https://; "
                        + "only HTTP proxies that tunnel with CONNECT are supported");
        assertThatThrownBy(() -> HttpProxy.parse("socks5://u:secret@p:1080", "HTTPS_PROXY")).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> HttpProxy.parse("http://u:sec ret@p:1", "HTTPS_PROXY"))
                .hasMessage("HTTPS_PROXY is not a valid proxy URL (expected http://[user:pass@]host:port)");
        assertThatThrownBy(() -> Transport.fromEnvironment(Map.of("HTTPS_PROXY", "http://:3128"), HTTPS))
                .hasMessageStartingWith("HTTPS_PROXY has no host");
        assertThatThrownBy(() -> Transport.of(Optional.of(URI.create("ftp://p:1")), Optional.empty()))
                .hasMessageStartingWith("the proxy URL must be an http:// proxy URL");
    }
}
