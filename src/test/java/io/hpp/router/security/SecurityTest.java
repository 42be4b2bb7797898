package io.hpp.router.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SecurityTest {

    @Test
    void noKeySecretOrPromptReachesTheLogsAtInfoLevel() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.INFO);
        String providerSecret = "sk-provider-SECRET-7f3a9";
        String prompt = "my-confidential-prompt-4c1d";
        try (FakeProvider fake = new FakeProvider();
             TestRouter router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", providerSecret))) {
            TestRouter.Customer c = router.customer("5");
            String body = "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]";
            fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 5, 1, 0)));
            router.send("POST", "/llm/v1/chat/completions", body + "}", Map.of("apikey", c.key()));
            fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-5", List.of("x"), 5, 1)));
            router.send("POST", "/llm/v1/chat/completions", body + ",\"stream\":true}", Map.of("apikey", c.key()));
            fake.enqueue(FakeProvider.json(500, OpenAiWire.SERVER_ERROR));
            router.send("POST", "/llm/v1/chat/completions", body + "}", Map.of("apikey", c.key()));
            fake.enqueue(FakeProvider.json(401, OpenAiWire.INVALID_KEY));
            router.send("POST", "/llm/v1/chat/completions", body + "}", Map.of("apikey", c.key()));
            router.send("POST", "/llm/v1/chat/completions", body + "}", Map.of("apikey", c.key() + "tampered"));
            router.send("POST", "/v1/images/generations", "{\"prompt\":\"" + prompt + "\"}", Map.of("apikey", c.key()));
            router.admin("POST", "/admin/v1/consumers/" + c.id() + "/keys", "{}");
            router.app().flushRequestLog(10_000);
        } finally {
            root.setLevel(before);
            root.detachAppender(captured);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : captured.list) {
            lines.add(e.getFormattedMessage() + " " + e.getMDCPropertyMap() + " "
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()));
        }
        assertThat(lines).as("the access log was captured").anyMatch(l -> l.contains("\"status\":200"));
        assertThat(String.join("\n", lines)).doesNotContain(providerSecret, prompt, TestRouter.ADMIN_TOKEN)
                .doesNotContainPattern("hpp_[a-z0-9]{16}\\.[A-Za-z0-9_-]{20,}");
    }

    @Test
    void corsIsForTheConsumerApiOnly() {
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_CORS_ORIGINS", "https://app.example.com"))) {
            Map<String, String> allowed = Map.of("Origin", "https://app.example.com", "Access-Control-Request-Method", "POST");
            assertThat(router.send("OPTIONS", "/llm/v1/chat/completions", null, allowed).header("Access-Control-Allow-Origin"))
                    .contains("https://app.example.com");
            assertThat(router.send("OPTIONS", "/llm/v1/chat/completions", null,
                    Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST")).header("Access-Control-Allow-Origin")).isEmpty();
            assertThat(router.send("OPTIONS", "/admin/v1/consumers", null, allowed).header("Access-Control-Allow-Origin")).isEmpty();
            assertThat(router.admin("GET", "/admin/v1/models", null).header("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void slowAndOversizedHeadersNeitherCrashNorBlockTheServer() throws Exception {
        try (TestRouter router = TestRouter.start()) {
            int port = Integer.parseInt(router.baseUrl().substring(router.baseUrl().lastIndexOf(':') + 1));
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.getOutputStream().write("POST /llm/v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                long t0 = System.nanoTime();
                assertThat(router.get("/healthz", Map.of()).status()).isEqualTo(200);
                assertThat((System.nanoTime() - t0) / 1_000_000).as("served at once beside 200 slow clients").isLessThan(2_000);

                try (Socket big = new Socket("127.0.0.1", port)) {
                    OutputStream out = big.getOutputStream();
                    out.write(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = big.getInputStream();
                    String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                    assertThat(status).startsWith("HTTP/1.1 4");
                } catch (java.net.SocketException closed) {
                    // closing the connection is an accepted answer to an oversized header
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
            assertThat(router.get("/healthz", Map.of()).status()).isEqualTo(200);
        }
    }
}
