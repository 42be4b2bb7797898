package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SSE answers over kept-alive connections, against {@link RawServer}: the connection of a stream read to its
 * {@code [DONE]} is kept even though the body's last chunk comes later, and the relay's hook runs exactly when the
 * reader is about to wait for the provider.
 */
class StreamedAnswerTest extends RawServerTestBase {
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String LAST_CHUNK = "0\r\n\r\n";
    private static final char PAUSE = RawServer.PAUSE;

    @Test
    void aStreamReadToDoneKeepsItsConnectionThoughTheLastChunkComesAfterIt() throws Exception {
        serve(HEAD + chunk("data: {\"n\":1}\n\n") + chunk("data: [DONE]\n\n") + PAUSE + LAST_CHUNK);
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
                assertThat(readToDone(ex, null)).containsExactly("{\"n\":1}");
                ex.endOfAnswer();
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).as("the reader did not wait for the last chunk")
                    .isLessThan(RawServer.PAUSE_MILLIS);
            Thread.sleep(RawServer.PAUSE_MILLIS + 100); // the last chunk arrives meanwhile
        }
        assertThat(server.requests).hasSize(3);
        assertThat(server.accepted.get()).as("one connection for three streams").isEqualTo(1);
    }

    /** A Content-Length stream that ends right after [DONE] owes nothing more: its connection is reused at once. */
    @Test
    void aStreamWhoseLengthEndsAtDoneKeepsItsConnectionReadyForTheNextRequest() throws Exception {
        String body = "data: {\"n\":1}\n\ndata: [DONE]\n\n";
        serve("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        for (int i = 0; i < 3; i++) {
            try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
                assertThat(readToDone(ex, null)).containsExactly("{\"n\":1}");
                ex.endOfAnswer();
            }
        }
        assertThat(server.accepted.get()).as("one connection for three streams").isEqualTo(1);
        assertThat(upstream.idleConnections()).isEqualTo(1);
    }

    @Test
    void aConnectionStillOwedItsLastChunkIsSetAsideWithoutWaitingAndReusedOnceItCame() throws Exception {
        serve(HEAD + chunk("data: {\"n\":1}\n\n") + chunk("data: [DONE]\n\n") + PAUSE + LAST_CHUNK);
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
                assertThat(readToDone(ex, null)).containsExactly("{\"n\":1}");
                ex.endOfAnswer();
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).as("no request waited for an earlier answer's last chunk")
                    .isLessThan(RawServer.PAUSE_MILLIS);
            if (i == 1) {
                // the first connection was still owed its last chunk: the second request took a new one
                assertThat(server.accepted.get()).isEqualTo(2);
                Thread.sleep(RawServer.PAUSE_MILLIS + 100);
            }
        }
        // the third took the second connection; the fourth found it owed again and took the first, finished by now
        assertThat(server.requests).hasSize(4);
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void aStreamLeftBeforeItsEndClosesItsConnection() throws Exception {
        serve(HEAD + chunk("data: {\"n\":1}\n\n") + PAUSE + chunk("data: {\"n\":2}\n\n") + chunk("data: [DONE]\n\n") + LAST_CHUNK);
        try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
            assertThat(new SseReader(ex.body(), 1024).next()).hasValueSatisfying(e -> assertThat(e.data()).isEqualTo("{\"n\":1}"));
        }
        Thread.sleep(RawServer.PAUSE_MILLIS + 100);
        try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
            assertThat(readToDone(ex, null)).hasSize(2);
        }
        assertThat(server.accepted.get()).as("the provider may still be sending the abandoned stream").isEqualTo(2);
    }

    @Test
    void theHookRunsBeforeEachWaitForTheProviderAndNotBetweenEventsThatArrivedTogether() throws Exception {
        serve(HEAD + chunk("data: {\"n\":1}\n\n") + chunk("data: {\"n\":2}\n\n") + PAUSE + chunk("data: {\"n\":3}\n\n") + PAUSE
                + chunk("data: [DONE]\n\n") + LAST_CHUNK);
        List<Integer> readWhenHookRan = new ArrayList<>();
        try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
            List<String> seen = new ArrayList<>();
            ex.beforeWait(() -> readWhenHookRan.add(seen.size()));
            readToDone(ex, seen);
            assertThat(seen).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
            ex.endOfAnswer();
        }
        assertThat(readWhenHookRan).as("events read each time the reader was about to wait").contains(2, 3).doesNotContain(1);
        int calls = readWhenHookRan.size();

        Thread.sleep(RawServer.PAUSE_MILLIS + 100);
        try (Upstream.Exchange ex = upstream.post("/chat/completions", Map.of(), "{}".getBytes())) {
            assertThat(readToDone(ex, null)).hasSize(3);
        }
        assertThat(readWhenHookRan).as("the hook ended with its exchange").hasSize(calls);
        assertThat(server.accepted.get()).isEqualTo(1);
    }

    private void serve(String answer) throws IOException {
        server = new RawServer(n -> answer.getBytes(StandardCharsets.UTF_8), false);
        upstream = upstream(Duration.ofSeconds(5));
    }

    /** The data of each event before {@code [DONE]}, also added to {@code seen} as it is read. */
    private static List<String> readToDone(Upstream.Exchange ex, List<String> seen) throws IOException {
        List<String> data = seen == null ? new ArrayList<>() : seen;
        SseReader reader = new SseReader(ex.body(), 1024);
        for (Optional<SseReader.Event> e = reader.next(); e.isPresent(); e = reader.next()) {
            if (e.get().data().equals("[DONE]")) {
                return data;
            }
            data.add(e.get().data());
        }
        throw new AssertionError("the stream ended before [DONE]");
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }
}
