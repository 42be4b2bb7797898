package io.hpp.router.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Thousands of generated hostile requests — malformed and deeply nested JSON, wrong types, invalid UTF-8, absurd
 * numbers, odd headers — against every consumer and admin endpoint: never a 5xx, and the server lives on.
 */
class HostileInputProperties {
    private static FakeProvider fake;
    private static TestRouter router;
    private static TestRouter.Customer customer;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger SENT = new AtomicInteger();
    private static final List<String> PATHS = List.of("/llm/v1/chat/completions", "/v1/images/generations", "/api/route-preview",
            "/admin/v1/consumers", "/admin/v1/models", "/admin/v1/routing/rulesets", "/llm/v1/models", "/api/usage");

    /** A request as generated: where, with what credentials, and what bytes. */
    record Hostile(String path, String method, String auth, byte[] body, String contentType) {
        @Override
        public String toString() {
            String shown = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + path + " auth=" + auth.length() + "ch body(" + body.length + ")=" + shown;
        }
    }

    @BeforeContainer
    static void start() {
        fake = new FakeProvider();
        // a well-behaved provider, so any 5xx would be the gateway's own
        fake.always((req, ex) -> {
            if (req.body().contains("\"stream\":true")) {
                fake.sse(0, OpenAiWire.textStream("m", List.of("ok"), 3, 1)).answer(req, ex);
            } else if (req.path().contains("/images/")) {
                FakeProvider.json(200, OpenAiWire.imagesAnswer(1, 3, 272)).answer(req, ex);
            } else {
                FakeProvider.json(200, OpenAiWire.completion("m", "ok", 3, 1, 0)).answer(req, ex);
            }
        });
        // throttling wrong credentials off: a tenth of the requests present random ones, and a throttled address would
        // have the rest answered 429 before any parsing this property is about
        router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-prop",
                "HPP_ROUTER_MAX_BODY_BYTES", "262144", "HPP_ROUTER_AUTH_FAILURE_LIMIT", "0"));
        customer = router.customer("1000000");
    }

    @AfterContainer
    static void stop() {
        assertThat(router.get("/healthz", Map.of()).status()).as("alive after %d hostile requests", SENT.get()).isEqualTo(200);
        router.close();
        fake.close();
    }

    @Property(tries = 10_000, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void noHostileRequestGetsA5xx(@ForAll("hostile") Hostile h) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(router.baseUrl() + h.path())).timeout(Duration.ofSeconds(20))
                .method(h.method(), HttpRequest.BodyPublishers.ofByteArray(h.body()));
        if (!h.auth().isEmpty()) {
            b.header("Authorization", h.auth());
        }
        if (!h.contentType().isEmpty()) {
            b.header("Content-Type", h.contentType());
        }
        SENT.incrementAndGet();
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException closed) {
            return; // closing the connection on hostile input is an accepted answer
        }
        assertThat(r.statusCode()).as("%s -> %s", h, r.body()).isLessThan(500);
        assertThat(r.body()).doesNotContain("Exception", "\tat ");
    }

    @Provide
    Arbitrary<Hostile> hostile() {
        Arbitrary<String> path = Arbitraries.of(PATHS);
        Arbitrary<String> method = Arbitraries.of("POST", "POST", "POST", "GET", "PUT", "DELETE");
        Arbitrary<String> auth = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just("KEY")),
                net.jqwik.api.Tuple.of(2, Arbitraries.just("ADMIN")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(300).map(s -> "Bearer " + s.replaceAll("[\\r\\n\\x00-\\x1f\\x7f-\\uffff]", "x"))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
        Arbitrary<String> contentType = Arbitraries.of("application/json", "", "text/plain", "application/json; charset=latin1");
        return Combinators.combine(path, method, auth, body(), contentType).as((p, m, a, bytes, ct) -> new Hostile(p, m,
                a.equals("KEY") ? "Bearer " + customer.key() : a.equals("ADMIN") ? "Bearer " + TestRouter.ADMIN_TOKEN : a, bytes, ct));
    }

    private static Arbitrary<byte[]> body() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, chatLike().map(s -> s.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(2, json(4).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(100, 50_000).map(n -> ("[".repeat(n) + "]".repeat(n)).getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(500).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(invalidUtf8())));
    }

    private static byte[] invalidUtf8() {
        byte[] head = "{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        byte[] tail = "\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(bad, 0, out, head.length, bad.length);
        System.arraycopy(tail, 0, out, head.length + bad.length, tail.length);
        return out;
    }

    /** Requests shaped like chat or image requests, with every field at a random, often wrong, type or value. */
    private static Arbitrary<String> chatLike() {
        Arbitrary<String> model = Arbitraries.of("\"openai/gpt-5\"", "\"hpprouter/auto\"", "\"gpt-image-1\"", "\"ollama/x\"", "42", "null",
                "\"\"", "{}", "\"" + "m".repeat(5000) + "\"", "\"anthropic/claude-sonnet-4\"");
        Arbitrary<String> number = Arbitraries.of("1", "0", "-1", "1.5", "1e309", "99999999999999999999999999", "\"10\"", "null", "true",
                "9223372036854775807", "128000");
        Arbitrary<String> role = Arbitraries.of("\"user\"", "\"system\"", "\"assistant\"", "\"tool\"", "\"wizard\"", "1", "null");
        Arbitrary<String> content = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200).map(HostileInputProperties::quote),
                Arbitraries.of("null", "42", "[]", "[{}]", "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"javascript:alert(1)\"}}]",
                        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,!!!!\"}}]",
                        "[{\"type\":\"text\",\"text\":5}]", "{\"a\":1}"));
        Arbitrary<String> message = Combinators.combine(role, content).as((r, c) -> "{\"role\":" + r + ",\"content\":" + c + "}");
        Arbitrary<String> messages = Arbitraries.oneOf(message.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                Arbitraries.of("null", "\"hi\"", "{}", "[]"));
        Arbitrary<String> extra = Arbitraries.of("", ",\"stream\":true", ",\"stream\":\"yes\"", ",\"tools\":5", ",\"tool_choice\":{}",
                ",\"stream_options\":[]", ",\"n\":4,\"size\":\"1024x1024\"", ",\"prompt\":\"a cat\"", ",\"prompt\":7", ",\"temperature\":\"hot\"");
        return Combinators.combine(model, messages, number, extra).as((m, ms, n, x) ->
                "{\"model\":" + m + ",\"messages\":" + ms + ",\"max_tokens\":" + n + x + "}");
    }

    /** Arbitrary JSON values up to {@code depth} levels. */
    private static Arbitrary<String> json(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40).map(HostileInputProperties::quote),
                Arbitraries.integers().map(String::valueOf), Arbitraries.of("true", "false", "null", "-0.0", "1e-400"));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> array = json(depth - 1).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(Arbitraries.of("model", "messages", "prompt", "quota", "id", "n", "x"), json(depth - 1))
                .as((k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(leaf, array, object);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

}
