package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A provider that frames its answers badly, against {@link RawServer}: framing headers that disagree or repeat are a
 * provider failure and the connection is closed; bytes after an answer's end are never read as the next request's
 * answer; an early close or an oversized head is a clean provider failure whose message names no Java class.
 */
class UpstreamFramingTest extends RawServerTestBase {
    private static final String JAVA_NAME = ".*(Exception|java\\.|sun\\.|\\tat ).*";

    /** Each head frames a two-byte body ambiguously (RFC 9112 6.1-6.3); the same body follows every head. */
    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\r\n Content-Length: 3\r\n",
    })
    void ambiguousFramingIsABadResponseAndTheConnectionIsNotReused(String head) throws Exception {
        server = new RawServer(n -> n == 1 ? (head + "\r\n2\r\nok\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII) : fixed("{\"n\":" + n + "}"), false);
        upstream = upstream(Duration.ofSeconds(5));
        assertThatThrownBy(() -> {
            try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
                ex.readText(1000);
            }
        }).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.code()).isEqualTo("bad_response");
            assertThat(e.retryable()).isTrue();
            assertThat(e.clientStatus()).isEqualTo(500);
            assertThat(e.getMessage()).doesNotMatch(JAVA_NAME);
        });
        assertThat(post()).isEqualTo("{\"n\":2}");
        assertThat(server.accepted.get()).as("the connection of the refused answer was closed").isEqualTo(2);
    }

    /** Chunk sizes are hex digits only (a sign once made a negative size), and each chunk's data ends with CRLF. */
    @ParameterizedTest
    @ValueSource(strings = {"-2\r\nok\r\n0\r\n\r\n", "+2\r\nok\r\n0\r\n\r\n", "2\r\nokX\r\n0\r\n\r\n", "zz\r\n",
        "2\r\nok\r\n0\r\n" + "X-Trailer: t\r\n"})
    void malformedChunksAreABadResponse(String chunks) throws Exception {
        String trailers = chunks.endsWith("X-Trailer: t\r\n") ? "X-Trailer: t\r\n".repeat(10_000) + "\r\n" : "";
        server = new RawServer(n -> ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + trailers)
                .getBytes(StandardCharsets.US_ASCII), false);
        upstream = upstream(Duration.ofSeconds(5));
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            assertThatThrownBy(() -> ex.readText(1000)).isInstanceOfSatisfying(ProviderException.class, e -> {
                assertThat(e.code()).isEqualTo("bad_response");
                assertThat(e.getMessage()).doesNotMatch(JAVA_NAME);
            });
        }
    }

    @Test
    void bytesAfterAContentLengthBodyAreNeverReadAsTheNextAnswer() throws Exception {
        server = new RawServer(n -> n == 1 ? join(fixed("{\"n\":1}"), fixed("{\"smuggled\":1}")) : fixed("{\"n\":" + n + "}"), false);
        upstream = upstream(Duration.ofSeconds(5));
        assertThat(post()).isEqualTo("{\"n\":1}");
        assertThat(post()).isEqualTo("{\"n\":2}");
        assertThat(server.accepted.get()).as("a connection with unread bytes is closed, never pooled").isEqualTo(2);
    }

    @Test
    void bytesAfterTheLastChunkAreNeverReadAsTheNextAnswer() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"n\":1}\r\n0\r\n\r\n";
        server = new RawServer(n -> n == 1 ? join(chunked.getBytes(StandardCharsets.US_ASCII), fixed("{\"smuggled\":1}"))
                : fixed("{\"n\":" + n + "}"), false);
        upstream = upstream(Duration.ofSeconds(5));
        assertThat(post()).isEqualTo("{\"n\":1}");
        assertThat(post()).isEqualTo("{\"n\":2}");
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    /** The stream's reader stops at [DONE]; the next user of the connection finishes the body and finds more. */
    @Test
    void bytesAfterAStreamsLastChunkAreNeverReadAsTheNextAnswer() throws Exception {
        String sse = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "e\r\ndata: [DONE]\n\n\r\n" + RawServer.PAUSE + "0\r\n\r\n";
        server = new RawServer(n -> n == 1 ? join(sse.getBytes(StandardCharsets.US_ASCII), fixed("{\"smuggled\":1}"))
                : fixed("{\"n\":" + n + "}"), false);
        upstream = upstream(Duration.ofSeconds(5));
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            assertThat(new SseReader(ex.body(), 1024).next()).hasValueSatisfying(e -> assertThat(e.dataIs("[DONE]")).isTrue());
            ex.endOfAnswer();
        }
        Thread.sleep(RawServer.PAUSE_MILLIS + 100); // the last chunk and what follows it arrive meanwhile
        assertThat(post()).isEqualTo("{\"n\":2}");
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void bytesArrivingOnAnIdleConnectionAreNeverReadAsTheNextAnswer() throws Exception {
        server = new RawServer(n -> n == 1 ? join(fixed("{\"n\":1}"), new byte[] {(byte) RawServer.PAUSE}, fixed("{\"smuggled\":1}"))
                : fixed("{\"n\":" + n + "}"), false);
        upstream = upstream(Duration.ofSeconds(5));
        assertThat(post()).isEqualTo("{\"n\":1}");
        Thread.sleep(RawServer.PAUSE_MILLIS + 100); // the connection is pooled; then the provider sends more
        assertThat(post()).isEqualTo("{\"n\":2}");
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    /** Each answer ends with the provider closing the connection early: in the head, in a chunk, before any byte. */
    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "HTTP/1.1 200 OK\r\nContent-Le",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"par",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":",
        "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"short\":true}",
    })
    void anEarlyCloseIsAProviderFailureThatNamesNoJavaClass(String cut) throws Exception {
        server = new RawServer(n -> cut.getBytes(StandardCharsets.US_ASCII), true);
        upstream = upstream(Duration.ofSeconds(5));
        assertThatThrownBy(() -> {
            try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
                ex.readText(1000);
            }
        }).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.code()).isIn("connection_failed", "bad_response");
            assertThat(e.getMessage()).doesNotMatch(JAVA_NAME);
        });
    }

    /** A head line or a whole head beyond 64 KiB, and an endless run of interim answers, are refused at a bound. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void anOversizedHeadIsABadResponse(int kind) throws Exception {
        String head = switch (kind) {
            case 0 -> "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(100_000) + "\r\n";
            case 1 -> "HTTP/1.1 200 OK\r\n" + "X-Many: 0123456789012345678901234567890123456789\r\n".repeat(2_000);
            default -> "HTTP/1.1 100 Continue\r\n\r\n".repeat(1_000) + "HTTP/1.1 200 OK\r\n";
        };
        server = new RawServer(n -> (head + "Content-Length: 2\r\n\r\nok").getBytes(StandardCharsets.US_ASCII), false);
        upstream = upstream(Duration.ofSeconds(5));
        assertThatThrownBy(() -> upstream.post("/x", Map.of(), "{}".getBytes()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.code()).isEqualTo("bad_response");
                    assertThat(e.getMessage()).doesNotMatch(JAVA_NAME);
                });
    }

    /** A line longer than the reader's bound stops the stream there, as a bad answer. */
    @Test
    void aGiantEventLineIsABadResponseAtTheReadersBound() throws Exception {
        String body = "data: " + "x".repeat(200_000) + "\n\n";
        server = new RawServer(n -> ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII), false);
        upstream = upstream(Duration.ofSeconds(5));
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            SseReader reader = new SseReader(ex.body(), 4096);
            assertThatThrownBy(reader::next).satisfies(e -> {
                ProviderException p = ex.readFailure(e);
                assertThat(p.code()).isEqualTo("bad_response");
                assertThat(p.getMessage()).contains("longer than 4096 bytes").doesNotMatch(JAVA_NAME);
            });
        }
        assertThat(server.accepted.get()).isEqualTo(1);
    }

    private String post() {
        try (Upstream.Exchange ex = upstream.post("/x", Map.of(), "{}".getBytes())) {
            return ex.readText(1000);
        }
    }

    private static byte[] join(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] fixed(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return join(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), body);
    }
}
