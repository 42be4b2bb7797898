package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bytes of a streamed answer as a client's socket receives them: the chunked framing is checked here to the byte,
 * strictly, with several answers on one kept-alive connection (one of them with an event larger than any buffer). The
 * client accepts gzip, as most do: an event stream is not encoded.
 */
class ChatStreamWireTest extends ChatTestBase {

    @Test
    void streamsAreChunkedExactlyAndTheConnectionServesTheNextRequest() throws Exception {
        TestRouter.Customer c = router.customer("10");
        String big = "x".repeat(70_000); // one event over 64 KiB: a five-digit chunk size and a grown buffer
        fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-5", List.of("Hel", "lo"), 5, 2)));
        fake.enqueue(fake.sse(5, OpenAiWire.textStream("gpt-5", List.of("a", big, "b"), 5, 3)));
        List<String> cut = OpenAiWire.textStream("gpt-5", List.of("The", " end"), 0, 0);
        fake.enqueue(fake.sse(0, cut.subList(0, 3)));  // the provider's connection closes before the end
        fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "plain", 4, 1, 0)));

        try (Socket s = new Socket("127.0.0.1", java.net.URI.create(router.baseUrl()).getPort())) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();

            Wire first = exchange(in, out, c.key(), ",\"stream\":true");
            assertChunkedStream(first);
            assertThat(contents(first)).containsExactly("", "Hel", "lo");
            assertThat(first.events.getLast()).isEqualTo("[DONE]");

            Wire second = exchange(in, out, c.key(), ",\"stream\":true");
            assertChunkedStream(second);
            assertThat(contents(second)).containsExactly("", "a", big, "b");
            assertThat(second.events.getLast()).isEqualTo("[DONE]");

            Wire third = exchange(in, out, c.key(), ",\"stream\":true");
            assertChunkedStream(third);
            assertThat(contents(third)).containsExactly("", "The", " end");
            assertThat(third.events).doesNotContain("[DONE]");
            assertThat(ChatCompletionsTest.parse(third.events.getLast()).at("/error/type").asText()).isEqualTo("upstream_error");

            Wire fourth = exchange(in, out, c.key(), "");
            assertThat(fourth.status).isEqualTo(200);
            assertThat(fourth.headers).containsKey("content-length").doesNotContainKey("transfer-encoding");
            assertThat(ChatCompletionsTest.parse(new String(fourth.body, StandardCharsets.UTF_8))
                    .at("/choices/0/message/content").asText()).isEqualTo("plain");
        }
        assertLedgerBalanced(c.id());
    }

    private static void assertChunkedStream(Wire w) {
        assertThat(w.status).isEqualTo(200);
        assertThat(w.headers.containsKey("content-length") != "chunked".equals(w.headers.get("transfer-encoding")))
                .as("framed by exactly one of Content-Length and chunked: %s", w.headers).isTrue();
        assertThat(w.headers.get("content-type")).startsWith("text/event-stream");
        assertThat(w.headers.get("x-hpp-router-resolved-model")).isEqualTo("openai/gpt-5");
        assertThat(w.headers).doesNotContainKey("content-encoding");
        assertThat(String.join("", w.chunks)).as("the chunks are the event stream").startsWith("data: ").endsWith("\n\n");
    }

    private static List<String> contents(Wire w) {
        return w.events.stream().filter(e -> e.startsWith("{"))
                .map(e -> ChatCompletionsTest.parse(e))
                .filter(j -> j.at("/choices/0/delta").has("content"))
                .map(j -> j.at("/choices/0/delta/content").asText())
                .toList();
    }

    private record Wire(int status, Map<String, String> headers, byte[] body, List<String> chunks, List<String> events) {
    }

    private static Wire exchange(InputStream in, OutputStream out, String key, String extra) throws IOException {
        byte[] body = body("openai/gpt-5", extra).getBytes(StandardCharsets.UTF_8);
        out.write(("POST /llm/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nAccept-Encoding: gzip, deflate\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String statusLine = line(in);
        assertThat(statusLine).startsWith("HTTP/1.1 ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            assertThat(headers).as("header %s given once", name).doesNotContainKey(name);
            headers.put(name, h.substring(colon + 1).trim());
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<String> chunks = new ArrayList<>();
        if (headers.containsKey("content-length")) {
            // a stream whose events all came before the first flush leaves as one body with its length: valid HTTP too
            assertThat(headers).doesNotContainKey("transfer-encoding");
            byte[] whole = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            if (!headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
                return new Wire(status, headers, whole, List.of(), List.of());
            }
            all.write(whole);
            chunks.add(new String(whole, StandardCharsets.UTF_8));
        }
        while (!headers.containsKey("content-length")) {
            String size = line(in);
            assertThat(size).as("chunk size line").matches("[0-9a-f]+");
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                assertThat(line(in)).as("the blank line after the last chunk").isEmpty();
                break;
            }
            byte[] chunk = in.readNBytes(n);
            assertThat(chunk).hasSize(n);
            assertThat(line(in)).as("CRLF after a chunk's data").isEmpty();
            chunks.add(new String(chunk, StandardCharsets.UTF_8));
            all.write(chunk);
        }
        List<String> events = new ArrayList<>();
        for (String e : all.toString(StandardCharsets.UTF_8).split("\n\n")) {
            assertThat(e).startsWith("data: ");
            events.add(e.substring(6));
        }
        return new Wire(status, headers, all.toByteArray(), chunks, events);
    }

    /** One CRLF-terminated line (a bare LF fails the test). */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); ; c = in.read()) {
            assertThat(c).as("connection still open").isNotEqualTo(-1);
            if (c == '\r') {
                assertThat(in.read()).isEqualTo('\n');
                return b.toString(StandardCharsets.US_ASCII);
            }
            assertThat(c).isNotEqualTo('\n');
            b.write(c);
        }
    }
}
