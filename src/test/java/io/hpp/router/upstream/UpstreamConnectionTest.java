package io.hpp.router.upstream;

import io.hpp.router.wire.BodyParts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.config.ProviderConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider HTTP client against a raw socket server on 127.0.0.1 that records every request's bytes and counts
 * the connections it accepted: keep-alive reuse, both body framings, a stale kept-alive connection, timeouts.
 */
class UpstreamConnectionTest extends RawServerTestBase {
    @Test
    void keepsTheConnectionAliveAndSendsAWellFormedRequest() throws Exception {
        server = new RawServer(n -> fixed("{\"n\":" + n + "}"), false);
        upstream = upstream(Duration.ofSeconds(5));
        for (int i = 1; i <= 3; i++) {
            try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of("Authorization", "Bearer sk-test"), "{\"a\":1}".getBytes())) {
                assertThat(ex.status()).isEqualTo(200);
                assertThat(ex.header("content-type")).contains("application/json");
                assertThat(ex.readText(1000)).isEqualTo("{\"n\":" + i + "}");
            }
        }
        assertThat(server.accepted.get()).as("one connection for three requests").isEqualTo(1);
        String first = server.requests.getFirst();
        assertThat(first).startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n", "\r\nContent-Length: 7\r\n",
                        "\r\nAuthorization: Bearer sk-test\r\n", "\r\nContent-Type: application/json\r\n")
                .endsWith("\r\n\r\n{\"a\":1}");
    }

    /** A body of many parts, larger and smaller than the connection's kept send buffer, in turn on one connection. */
    @Test
    void sendsBodiesMadeOfPartsExactlyWhateverTheirSize() throws Exception {
        server = new RawServer(n -> fixed("{}"), false);
        upstream = upstream(Duration.ofSeconds(5));
        int[] sizes = {10, 100_000, 300, 70_000, 16_500, 20_000}; // 'é' is two bytes: ~33 KB, then ~40 KB
        String[] sent = new String[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            byte[] whole = ("{\"x\":\"" + "é".repeat(sizes[i]) + i + "\"}").getBytes(StandardCharsets.UTF_8);
            BodyParts parts = new BodyParts(2);
            for (int at = 0; at < whole.length; at += 7_001) {
                parts.add(whole, at, Math.min(7_001, whole.length - at)); // ranges of one array, and growing the list
            }
            sent[i] = new String(whole, StandardCharsets.UTF_8);
            try (Upstream.Exchange ex = upstream.post("/x", Map.of("X-Pad", "p".repeat(i * 500)), parts)) {
                assertThat(ex.readText(100)).isEqualTo("{}");
            }
        }
        assertThat(server.accepted.get()).isEqualTo(1);
        for (int i = 0; i < sizes.length; i++) {
            String request = server.requests.get(i);
            assertThat(request).contains("\r\nContent-Length: " + sent[i].getBytes(StandardCharsets.UTF_8).length + "\r\n",
                    "\r\nX-Pad: " + "p".repeat(i * 500) + "\r\n").endsWith("\r\n\r\n" + sent[i]);
        }
    }

    @Test
    void decodesChunkedBodiesWithExtensionsAndTrailers() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6;ext=1\r\ndata: \r\n" + "c\r\n{\"x\":\"é\"}\n\n\r\n" + "0\r\nX-Trailer: t\r\n\r\n";
        server = new RawServer(n -> chunked.getBytes(StandardCharsets.UTF_8), false);
        upstream = upstream(Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            try (Upstream.Exchange ex = upstream.post("/x", Map.of(), new byte[0])) {
                assertThat(ex.readText(1000)).isEqualTo("data: {\"x\":\"é\"}\n\n");
            }
        }
        assertThat(server.accepted.get()).as("the chunked body was read to its end, so the connection was reused").isEqualTo(1);
    }

    @Test
    void sendsAgainOnANewConnectionWhenTheProviderClosedTheKeptAliveOne() throws Exception {
        server = new RawServer(n -> fixed("ok" + n), true); // closes every connection after one answer, without saying so
        upstream = upstream(Duration.ofSeconds(5));
        for (int i = 1; i <= 3; i++) {
            try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
                assertThat(ex.readText(100)).isEqualTo("ok" + i);
            }
        }
        assertThat(server.accepted.get()).isEqualTo(3);
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void aSilentProviderTimesOutAtTheFirstByteDeadline() throws Exception {
        server = new RawServer(n -> null, false); // reads the request, never answers
        upstream = upstream(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> upstream.post("/x", Map.of(), "{}".getBytes()))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.code()).isEqualTo("timeout"));
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 3_000L);
    }

    /** An AnswerMemory that records what was held and given back. */
    private static class Recorded implements AnswerMemory {
        final java.util.List<Long> holds = new java.util.ArrayList<>();
        long released;

        @Override
        public long hold(long bytes) {
            holds.add(bytes);
            return bytes;
        }

        @Override
        public void release(long held) {
            released += held;
        }
    }

    /**
     * An answer read whole holds its bytes before they are allocated — its Content-Length, or each growth of its array
     * — and gives them back when the read fails.
     */
    @Test
    void answersReadWholeAreHeldBeforeTheyAreAllocated() throws Exception {
        String text = "{\"x\":\"" + "z".repeat(100_000) + "\"}";
        StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int at = 0; at < text.length(); at += 9_000) {
            String part = text.substring(at, Math.min(text.length(), at + 9_000));
            chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        server = new RawServer(n -> n % 2 == 1 ? fixed(text) : chunked.toString().getBytes(StandardCharsets.US_ASCII), false);
        upstream = upstream(Duration.ofSeconds(5));

        Recorded m = new Recorded();
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            assertThat(new String(ex.readAll(1 << 20, m), StandardCharsets.UTF_8)).isEqualTo(text);
        }
        assertThat(m.holds).as("a Content-Length is held at once").containsExactly((long) text.length());
        assertThat(m.released).as("kept until the request ends").isZero();

        m = new Recorded();
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            assertThat(new String(ex.readAll(text.length(), m), StandardCharsets.UTF_8)).as("exactly max is allowed").isEqualTo(text);
        }
        assertThat(m.holds).as("without one, the first array, then each growth of it")
                .containsExactly(16_384L, 16_384L, 32_768L, (long) text.length() + 1 - 65_536);
        assertThat(m.released).isZero();

        Recorded refusing = new Recorded() {
            @Override
            public long hold(long bytes) {
                throw new IllegalStateException("no room for " + bytes);
            }
        };
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            assertThatThrownBy(() -> ex.readAll(1 << 20, refusing)).hasMessage("no room for " + text.length());
        }

        Recorded failed = new Recorded();
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            assertThatThrownBy(() -> ex.readAll(50_000, failed)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("larger than 50000 bytes");
        }
        assertThat(failed.holds).as("growth stops at the limit").containsExactly(16_384L, 16_384L, 50_001L - 32_768);
        assertThat(failed.released).as("a failed read gives back what it held").isEqualTo(50_001L);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAnError() throws Exception {
        server = new RawServer(n -> "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"short\":true}".getBytes(), true);
        upstream = upstream(Duration.ofSeconds(5));
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            assertThatThrownBy(() -> ex.readAll(1000, AnswerMemory.UNBOUNDED)).isInstanceOf(ProviderException.class);
        }
    }

    @Test
    void headerValuesCannotSmuggleLines() throws Exception {
        server = new RawServer(n -> fixed("x"), false);
        upstream = upstream(Duration.ofSeconds(5));
        assertThatThrownBy(() -> upstream.post("/x", Map.of("X-Evil", "a\r\nHost: elsewhere"), new byte[0]))
                .isInstanceOf(ProviderException.class);
        assertThat(server.requests).isEmpty();
    }

    @Test
    void httpsVerifiesTheProvidersCertificateAndKeepsTheConnection(@TempDir Path dir) throws Exception {
        // a throw-away certificate for 127.0.0.1, made with the JDK's keytool
        Path store = dir.resolve("tls.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=fake-provider",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext clientCtx = SSLContext.getInstance("TLS");
        clientCtx.init(null, tmf.getTrustManagers(), null);

        server = new RawServer(serverCtx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                n -> fixed("{\"tls\":" + n + "}"), false);
        ProviderConfig pc = new ProviderConfig("openai", URI.create("https://127.0.0.1:" + server.port() + "/v1"), Optional.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5));
        upstream = new Upstream(pc, watchdog, Transport.direct(clientCtx.getSocketFactory()));
        for (int i = 1; i <= 2; i++) {
            try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
                assertThat(ex.status()).isEqualTo(200);
                assertThat(ex.readText(100)).isEqualTo("{\"tls\":" + i + "}");
            }
        }
        assertThat(server.accepted.get()).as("one TLS connection for both requests").isEqualTo(1);
        assertThat(server.requests.getFirst()).startsWith("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + server.port());

        // the same server through the default trust store: its certificate is refused, nothing is sent
        try (Upstream untrusting = new Upstream(pc, watchdog)) {
            assertThatThrownBy(() -> untrusting.post("/chat/completions", Map.of(), "{}".getBytes()))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.code()).isEqualTo("connection_failed"));
        }
        assertThat(server.requests).hasSize(2);
    }

    private static byte[] fixed(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + json)
                .getBytes(StandardCharsets.UTF_8);
    }
}
