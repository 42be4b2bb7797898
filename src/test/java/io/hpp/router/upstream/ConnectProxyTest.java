package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.config.ProviderConfig;
import io.hpp.router.testing.FakeProvider;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Providers reached through an HTTP proxy's CONNECT tunnel (a {@link ConnectProxy} on 127.0.0.1) in front of a
 * {@link FakeProvider}: what the proxy was asked, what the provider received, what came back; proxy credentials,
 * a proxy's refusal, and the environment's HTTP_PROXY / NO_PROXY.
 */
class ConnectProxyTest {
    private final Watchdog watchdog = new Watchdog();
    private final FakeProvider provider = new FakeProvider();
    private ConnectProxy proxy;
    private Upstream upstream;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        provider.close();
        watchdog.close();
    }

    private Upstream upstream(Transport transport, Duration connectTimeout) {
        ProviderConfig pc = new ProviderConfig("openai", URI.create(provider.baseUrl() + "/v1"), Optional.empty(),
                connectTimeout, Duration.ofSeconds(5), Duration.ofSeconds(5));
        upstream = new Upstream(pc, watchdog, transport);
        return upstream;
    }

    private int providerPort() {
        return URI.create(provider.baseUrl()).getPort();
    }

    private String post(Upstream u, String body) {
        try (Upstream.Exchange ex = u.post("/chat/completions", Map.of("Authorization", "Bearer sk-test"), body.getBytes(StandardCharsets.UTF_8))) {
            assertThat(ex.status()).isEqualTo(200);
            return ex.readText(1000);
        }
    }

    @Test
    void aPlainHttpProviderIsReachedThroughOneKeptAliveConnectTunnel() throws Exception {
        proxy = new ConnectProxy(Optional.empty());
        provider.always((r, ex) -> FakeProvider.json(200, "{\"echo\":" + r.body() + "}").answer(r, ex));
        Upstream u = upstream(Transport.of(Optional.of(URI.create("http://127.0.0.1:" + proxy.port())), Optional.empty()), Duration.ofSeconds(2));

        assertThat(post(u, "{\"n\":1}")).isEqualTo("{\"echo\":{\"n\":1}}");
        assertThat(post(u, "{\"n\":2}")).isEqualTo("{\"echo\":{\"n\":2}}");

        String target = "127.0.0.1:" + providerPort();
        assertThat(proxy.heads).as("one tunnel for both requests").hasSize(1);
        assertThat(proxy.heads.getFirst()).isEqualTo("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
        assertThat(proxy.firstBytes.getFirst()).as("the request in the tunnel is the one sent directly, in origin form")
                .startsWith("POST /v1/chat/completions HTTP/1.1\r\nHost: " + target + "\r\n");
        assertThat(provider.received()).extracting(FakeProvider.Received::path).containsExactly("/v1/chat/completions", "/v1/chat/completions");
        assertThat(provider.last().body()).isEqualTo("{\"n\":2}");
        assertThat(provider.last().header("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(u.idleConnections()).isEqualTo(1);
    }

    @Test
    void proxyCredentialsAreSentAsBasicProxyAuthorization() throws Exception {
        proxy = new ConnectProxy(Optional.empty());
        Upstream u = upstream(Transport.of(Optional.of(URI.create("http://alice:s%40cret+1@127.0.0.1:" + proxy.port())), Optional.empty()),
                Duration.ofSeconds(2));

        assertThat(post(u, "{}")).isEqualTo("{}");

        String basic = Base64.getEncoder().encodeToString("alice:s@cret+1".getBytes(StandardCharsets.UTF_8));
        assertThat(proxy.heads.getFirst()).contains("\r\nProxy-Authorization: Basic " + basic + "\r\n");
        assertThat(provider.received()).hasSize(1);
        assertThat(provider.last().header("Proxy-Authorization")).as("the credentials stay with the proxy").isNull();
    }

    @Test
    void aProxyRefusingTheCredentialsIsARetryableConnectionFailureThatNeverShowsThem() throws Exception {
        proxy = new ConnectProxy(Optional.of("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n"
                + "Content-Length: 0\r\n\r\n"));
        Transport transport = Transport.of(Optional.of(URI.create("http://alice:hunter2@127.0.0.1:" + proxy.port())), Optional.empty());
        Upstream u = upstream(transport, Duration.ofSeconds(2));

        assertThatThrownBy(() -> u.post("/chat/completions", Map.of(), "{}".getBytes()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.code()).isEqualTo("connection_failed");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("Could not reach openai: the proxy http://127.0.0.1:" + proxy.port()
                            + " answered 407: it refused the gateway's proxy credentials");
                });
        assertThat(proxy.heads).hasSize(1);
        assertThat(provider.received()).isEmpty();
        assertThat(transport.toString()).isEqualTo("via proxy http://127.0.0.1:" + proxy.port()).doesNotContain("hunter2");
        assertThat(u.openConnections()).isZero();
    }

    @Test
    void aProxyAnsweringAnythingButTwoHundredFailsTheConnectionWithItsStatus() throws Exception {
        proxy = new ConnectProxy(Optional.of("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"));
        Upstream u = upstream(Transport.of(Optional.of(URI.create("http://127.0.0.1:" + proxy.port())), Optional.empty()), Duration.ofSeconds(2));

        assertThatThrownBy(() -> u.post("/chat/completions", Map.of(), "{}".getBytes()))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.getMessage()).isEqualTo("Could not reach openai: the proxy http://127.0.0.1:"
                        + proxy.port() + " answered 502 to the CONNECT to 127.0.0.1:" + providerPort()));
        assertThat(provider.received()).isEmpty();
    }

    @Test
    void aProxyThatNeverAnswersTimesOutAtTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) { // never accepts: the kernel does
            Upstream u = upstream(Transport.of(Optional.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())), Optional.empty()),
                    Duration.ofMillis(300));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> u.post("/chat/completions", Map.of(), "{}".getBytes()))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.code()).isEqualTo("timeout");
                        assertThat(e.getMessage()).isEqualTo("openai did not answer in time (connect)");
                    });
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 3_000L);
        }
        assertThat(provider.received()).isEmpty();
    }

    @Test
    void aProxyThatIsNotListeningIsNamedInTheFailureWithoutItsCredentials() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Upstream u = upstream(Transport.of(Optional.of(URI.create("http://bob:pw123@127.0.0.1:" + closedPort)), Optional.empty()),
                Duration.ofSeconds(2));
        assertThatThrownBy(() -> u.post("/chat/completions", Map.of(), "{}".getBytes()))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("Could not reach openai: the proxy http://127.0.0.1:" + closedPort + " refused the connection"));
    }

    @Test
    void theEnvironmentsHttpProxyIsUsedUnlessNoProxyListsTheProvider() throws Exception {
        proxy = new ConnectProxy(Optional.empty());
        URI base = URI.create(provider.baseUrl() + "/v1");
        URI named = URI.create("http://provider.test:" + providerPort() + "/v1");
        String proxyUrl = "http://127.0.0.1:" + proxy.port();

        try (Upstream u = new Upstream(config(named), watchdog, Transport.fromEnvironment(Map.of("http_proxy", proxyUrl), named))) {
            assertThat(post(u, "{\"via\":1}")).isEqualTo("{}");
        }
        assertThat(proxy.heads).as("the environment's proxy").hasSize(1);
        assertThat(proxy.heads.getFirst()).startsWith("CONNECT provider.test:" + providerPort());

        // loopback never takes the environment's proxy (as Java's http.nonProxyHosts default): a local Ollama, or a test's fakes
        Map<String, String> bypassing = Map.of("HTTP_PROXY", proxyUrl, "NO_PROXY", "example.com");
        try (Upstream u = new Upstream(config(base), watchdog, Transport.fromEnvironment(bypassing, base))) {
            assertThat(post(u, "{\"via\":2}")).isEqualTo("{}");
        }
        Map<String, String> httpsOnly = Map.of("HTTPS_PROXY", proxyUrl);
        try (Upstream u = new Upstream(config(base), watchdog, Transport.fromEnvironment(httpsOnly, base))) {
            assertThat(post(u, "{\"via\":3}")).isEqualTo("{}");
        }
        assertThat(proxy.heads).as("loopback, and HTTPS_PROXY for an http provider, go direct").hasSize(1);
        assertThat(provider.received()).extracting(FakeProvider.Received::body).containsExactly("{\"via\":1}", "{\"via\":2}", "{\"via\":3}");

        Map<String, String> perProvider = Map.of("HTTP_PROXY", "http://127.0.0.1:1", "NO_PROXY", "*");
        Transport own = Transport.forProvider(Optional.of(URI.create(proxyUrl)), Optional.empty(), perProvider, base);
        try (Upstream u = new Upstream(config(base), watchdog, own)) {
            assertThat(post(u, "{\"via\":4}")).isEqualTo("{}");
        }
        assertThat(proxy.heads).as("a provider's own proxy wins over the environment and its NO_PROXY").hasSize(2);
        assertThat(provider.last().body()).isEqualTo("{\"via\":4}");
    }

    private static ProviderConfig config(URI base) {
        return new ProviderConfig("openai", base, Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
}
