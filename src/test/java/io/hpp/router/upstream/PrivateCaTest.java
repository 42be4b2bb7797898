package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hpp.router.config.ProviderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An https provider whose certificate a private CA signed (made at test time with the JDK's keytool; SAN
 * {@code ip:127.0.0.1} only): refused under the JDK's trust, trusted with the CA's PEM bundle — directly and inside a
 * proxy's CONNECT tunnel — and still checked against the host name. Bad CA files are start-up errors.
 */
class PrivateCaTest {
    @TempDir
    static Path dir;
    private static Path caPem;
    private static SSLContext serverTls;

    private final Watchdog watchdog = new Watchdog();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpsServer server;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        Path ca = dir.resolve("ca.p12");
        Path host = dir.resolve("server.p12");
        caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=hpp test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-file", caPem.toString(), "-keystore", ca.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=fake-provider",
                "-validity", "2", "-keystore", host.toString());
        keytool("-certreq", "-alias", "server", "-file", dir.resolve("server.csr").toString(), "-keystore", host.toString());
        keytool("-gencert", "-alias", "ca", "-infile", dir.resolve("server.csr").toString(), "-outfile", dir.resolve("server.pem").toString(),
                "-rfc", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", ca.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", host.toString());
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", dir.resolve("server.pem").toString(), "-keystore", host.toString());

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(host)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", "changeit"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool %s: %s", args[0], out).isZero();
    }

    @BeforeEach
    void startProvider() throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            received.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{\"private\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        server.stop(0);
        watchdog.close();
    }

    private Upstream upstream(String host, Transport transport) {
        ProviderConfig pc = new ProviderConfig("private", URI.create("https://" + host + ":" + server.getAddress().getPort() + "/v1"),
                Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5));
        Upstream u = new Upstream(pc, watchdog, transport);
        closing.add(u);
        return u;
    }

    private static String post(Upstream u, String body) {
        try (Upstream.Exchange ex = u.post("/chat/completions", Map.of(), body.getBytes(StandardCharsets.UTF_8))) {
            assertThat(ex.status()).isEqualTo(200);
            return ex.readText(1000);
        }
    }

    private static void assertTlsFailure(Upstream u) {
        assertThatThrownBy(() -> u.post("/chat/completions", Map.of(), "{}".getBytes()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.code()).isEqualTo("connection_failed");
                    assertThat(e.getMessage()).isEqualTo("Could not reach private: TLS failed (is the provider's certificate trusted?)");
                });
    }

    @Test
    void withoutTheBundleThePrivatelySignedProviderIsATlsFailure() {
        assertTlsFailure(upstream("127.0.0.1", Transport.direct()));
        assertTlsFailure(upstream("127.0.0.1", Transport.fromEnvironment(Map.of(), URI.create("https://127.0.0.1"))));
        assertThat(received).as("nothing was sent").isEmpty();
    }

    @Test
    void withTheBundleTheProviderIsTrustedAndTheConnectionKept() {
        Upstream u = upstream("127.0.0.1", Transport.of(Optional.empty(), Optional.of(caPem)));
        assertThat(post(u, "{\"n\":1}")).isEqualTo("{\"private\":true}");
        assertThat(post(u, "{\"n\":2}")).isEqualTo("{\"private\":true}");
        assertThat(received).containsExactly("POST /v1/chat/completions {\"n\":1}", "POST /v1/chat/completions {\"n\":2}");
        assertThat(u.openConnections()).isEqualTo(1);
    }

    @Test
    void theHostNameIsStillVerifiedWithTheBundle() {
        // the certificate names 127.0.0.1 only; "localhost" reaches the same server but is not its name
        assertTlsFailure(upstream("localhost", Transport.of(Optional.empty(), Optional.of(caPem))));
        assertThat(received).isEmpty();
    }

    @Test
    void tlsRunsInsideTheProxysTunnelWithTheBundle() throws Exception {
        ConnectProxy proxy = new ConnectProxy(Optional.empty());
        closing.add(proxy);
        URI proxyUrl = URI.create("http://127.0.0.1:" + proxy.port());

        assertTlsFailure(upstream("127.0.0.1", Transport.of(Optional.of(proxyUrl), Optional.empty())));
        // the provider's own proxy (the environment's is never taken for loopback)
        Upstream u = upstream("127.0.0.1", Transport.forProvider(Optional.of(proxyUrl), Optional.of(caPem), Map.of(),
                URI.create("https://127.0.0.1")));
        assertThat(post(u, "{\"tunnel\":1}")).isEqualTo("{\"private\":true}");

        String target = "127.0.0.1:" + server.getAddress().getPort();
        assertThat(proxy.heads).hasSize(2).allSatisfy(h -> assertThat(h).startsWith("CONNECT " + target + " HTTP/1.1\r\n"));
        assertThat(proxy.firstBytes).hasSize(2).allSatisfy(b -> {
            assertThat(b.charAt(0)).as("a TLS handshake record, not the request").isEqualTo((char) 0x16);
            assertThat(b).doesNotContain("POST");
        });
        assertThat(received).containsExactly("POST /v1/chat/completions {\"tunnel\":1}");
    }

    @Test
    void aBundleOfSeveralCertificatesWithCommentsAddsAllToTheJdksOwn() throws Exception {
        X509Certificate[] jdk = TrustBundle.jdkDefault().getAcceptedIssuers();
        assertThat(jdk).isNotEmpty();
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# a public CA, for the count\n" + pem(jdk[0]) + "\n# the private CA\n" + Files.readString(caPem));

        X509Certificate[] trusted = TrustBundle.trustManager(bundle).getAcceptedIssuers();
        List<X509Certificate> bundled = TrustBundle.certificates(bundle);
        assertThat(bundled).hasSize(2);
        assertThat(bundled.get(1).getSubjectX500Principal().getName()).isEqualTo("CN=hpp test CA");
        assertThat(trusted).contains(jdk).contains(bundled.get(1));

        Upstream u = upstream("127.0.0.1", Transport.of(Optional.empty(), Optional.of(bundle)));
        assertThat(post(u, "{}")).isEqualTo("{\"private\":true}");
    }

    @Test
    void aCaFileThatIsMissingOrHoldsNoCertificateIsRefusedWithItsPath() throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> Transport.of(Optional.empty(), Optional.of(missing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ca_file " + missing + " does not exist");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "# nothing here\n");
        assertThatThrownBy(() -> Transport.of(Optional.empty(), Optional.of(empty)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ca_file " + empty + " holds no PEM certificate (expected one or more -----BEGIN CERTIFICATE----- blocks)");
        Path broken = Files.writeString(dir.resolve("broken.pem"), Files.readString(caPem)
                + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> Transport.forProvider(Optional.empty(), Optional.of(broken), Map.of(), URI.create("https://x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ca_file " + broken + ": certificate 2 is not a valid X.509 certificate");
    }

    private static String pem(X509Certificate cert) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
