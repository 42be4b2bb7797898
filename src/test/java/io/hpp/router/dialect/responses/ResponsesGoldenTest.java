package io.hpp.router.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden cases under {@code golden/responses/<case>/}: each file pair present is one assertion about the Responses
 * dialect. responses-request.json → chat-request.json (and dropped.json, what the translation names as dropped);
 * chat-response.json → responses-response.json; chat-stream.jsonl (one chunk a line, then the end of the stream) →
 * responses-stream.sse, which must also satisfy {@link StreamShape}; responses-request.json → expected-error.json when
 * the request is refused. The request, when the case has one, is what the answer echoes. Ids come from a counter
 * ({@code resp_01}, {@code msg_02} …) and the time is fixed, so the files can name them.
 */
class ResponsesGoldenTest {
    /** The request an answer echoes when the case has none. */
    private static final String DEFAULT_REQUEST = "{\"model\":\"openai/gpt-5\",\"input\":\"hi\"}";
    static final long CREATED_AT = 1765065600;

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException, URISyntaxException {
        Path root = Path.of(getClass().getResource("/golden/responses").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(root).sorted()) {
            for (Path dir : cases.toList()) {
                String name = dir.getFileName().toString();
                if (Files.exists(dir.resolve("chat-request.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": request", () -> translation(dir)));
                }
                if (Files.exists(dir.resolve("expected-error.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": refused", () -> refused(dir)));
                }
                if (Files.exists(dir.resolve("responses-response.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": response", () -> response(dir)));
                }
                if (Files.exists(dir.resolve("responses-stream.sse"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": stream", () -> stream(dir)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(46);
        return tests.stream();
    }

    private static void translation(Path dir) throws IOException {
        ResponsesToChat.Translation t = ResponsesToChat.translate((ObjectNode) read(dir, "responses-request.json"));
        assertThat(normal(t.request())).isEqualTo(read(dir, "chat-request.json"));
        List<String> dropped = new ArrayList<>();
        if (Files.exists(dir.resolve("dropped.json"))) {
            read(dir, "dropped.json").forEach(d -> dropped.add(d.asText()));
        }
        assertThat(t.dropped()).as("dropped").containsExactlyElementsOf(dropped);
    }

    /** A request the translation refuses: the status, the code, and words the message must hold. */
    private static void refused(Path dir) throws IOException {
        JsonNode expected = read(dir, "expected-error.json");
        assertThatThrownBy(() -> ResponsesToChat.translate((ObjectNode) read(dir, "responses-request.json")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(expected.get("status").asInt());
                    assertThat(e.code()).isEqualTo(expected.get("code").asText());
                    assertThat(e.getMessage()).contains(expected.get("message_contains").asText());
                });
    }

    private static void response(Path dir) throws IOException {
        ObjectNode actual = ChatToResponses.answer((ObjectNode) read(dir, "chat-response.json"), request(dir), CREATED_AT, counter());
        assertThat(normal(actual)).isEqualTo(read(dir, "responses-response.json"));
    }

    private static void stream(Path dir) throws IOException {
        String wire = translatedStream(dir);
        List<StreamShape.Sse> events = StreamShape.parse(wire);
        assertThat(events).containsExactlyElementsOf(StreamShape.parse(Files.readString(dir.resolve("responses-stream.sse"))));
        StreamShape.assertWellFormed(events);
    }

    /** The case's chat stream through {@link ChatToResponsesStream}, as the SSE text a client reads. */
    static String translatedStream(Path dir) throws IOException {
        ChatToResponsesStream stream = new ChatToResponsesStream(request(dir), CREATED_AT, counter());
        StringBuilder wire = new StringBuilder();
        for (String line : Files.readAllLines(dir.resolve("chat-stream.jsonl"))) {
            if (!line.isBlank()) {
                stream.onChunk(Json.readTree(line)).forEach(e -> wire.append(new String(e.sse(), StandardCharsets.UTF_8)));
            }
        }
        stream.end().forEach(e -> wire.append(new String(e.sse(), StandardCharsets.UTF_8)));
        assertThat(stream.finished()).isTrue();
        assertThat(stream.end()).as("nothing after the end").isEmpty();
        assertThat(stream.error("late")).as("nothing after the end").isEmpty();
        return wire.toString();
    }

    static ObjectNode request(Path dir) throws IOException {
        Path request = dir.resolve("responses-request.json");
        return (ObjectNode) (Files.exists(request) ? Json.MAPPER.readTree(request.toFile()) : Json.readTree(DEFAULT_REQUEST));
    }

    static UnaryOperator<String> counter() {
        int[] n = {0};
        return prefix -> prefix + String.format("%02d", ++n[0]);
    }

    /** The tree as a parser would build it from its text (so an int and a long of equal value compare equal). */
    static JsonNode normal(JsonNode n) {
        try {
            return Json.readTree(n.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode read(Path dir, String file) throws IOException {
        return Json.MAPPER.readTree(dir.resolve(file).toFile());
    }
}
