package io.hpp.router.dialect.messages;

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
 * Golden cases under {@code golden/messages/<case>/}: each file pair present is one assertion about the Messages
 * dialect. messages-request.json → chat-request.json (and dropped.json, what the translation names as dropped);
 * chat-response.json → messages-response.json; chat-stream.jsonl (one chunk a line, then the end of the stream) →
 * messages-stream.sse; messages-request.json → expected-error.json when the request is refused. Ids come from a
 * counter ({@code msg_01}, {@code toolu_02} …) so the files can name them.
 */
class MessagesGoldenTest {
    /** The model the client asked for, when the case has no request to name it. */
    private static final String MODEL = "openai/gpt-5";
    private static final long INPUT_ESTIMATE = 100;

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException, URISyntaxException {
        Path root = Path.of(getClass().getResource("/golden/messages").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(root).sorted()) {
            for (Path dir : cases.toList()) {
                String name = dir.getFileName().toString();
                if (Files.exists(dir.resolve("chat-request.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": request", () -> request(dir)));
                }
                if (Files.exists(dir.resolve("expected-error.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": refused", () -> refused(dir)));
                }
                if (Files.exists(dir.resolve("messages-response.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": response", () -> response(dir)));
                }
                if (Files.exists(dir.resolve("messages-stream.sse"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": stream", () -> stream(dir)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(30);
        return tests.stream();
    }

    private static void request(Path dir) throws IOException {
        MessagesToChat.Translation t = MessagesToChat.translate((ObjectNode) read(dir, "messages-request.json"));
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
        assertThatThrownBy(() -> MessagesToChat.translate((ObjectNode) read(dir, "messages-request.json")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(expected.get("status").asInt());
                    assertThat(e.code()).isEqualTo(expected.get("code").asText());
                    assertThat(e.getMessage()).contains(expected.get("message_contains").asText());
                });
    }

    private static void response(Path dir) throws IOException {
        ObjectNode actual = ChatToMessages.answer((ObjectNode) read(dir, "chat-response.json"), model(dir), counter());
        assertThat(normal(actual)).isEqualTo(read(dir, "messages-response.json"));
    }

    private static void stream(Path dir) throws IOException {
        ChatToMessagesStream stream = new ChatToMessagesStream(model(dir), INPUT_ESTIMATE, counter());
        StringBuilder wire = new StringBuilder();
        for (String line : Files.readAllLines(dir.resolve("chat-stream.jsonl"))) {
            if (!line.isBlank()) {
                stream.onChunk(Json.readTree(line)).forEach(e -> wire.append(new String(e.sse(), StandardCharsets.UTF_8)));
            }
        }
        stream.end().forEach(e -> wire.append(new String(e.sse(), StandardCharsets.UTF_8)));
        List<Sse> events = sse(wire.toString());
        assertThat(events).containsExactlyElementsOf(sse(Files.readString(dir.resolve("messages-stream.sse"))));
        assertWellFormed(events);
        assertThat(stream.finished()).isTrue();
        assertThat(stream.end()).as("nothing after the end").isEmpty();
    }

    /**
     * What an Anthropic client's accumulator relies on: {@code message_start} first; blocks numbered from 0, each
     * started, fed and stopped before the next starts; a tool's {@code partial_json} fragments joined are a JSON object;
     * the end is {@code message_delta} then {@code message_stop} with no block open, or an {@code error} and no
     * {@code message_stop} at all.
     */
    private static void assertWellFormed(List<Sse> events) throws IOException {
        assertThat(events.get(0).name()).isEqualTo("message_start");
        int open = -1;
        int next = 0;
        StringBuilder json = null;
        for (Sse e : events.subList(1, events.size() - 1)) {
            switch (e.name()) {
                case "content_block_start" -> {
                    assertThat(open).as("a block starts while another is open").isEqualTo(-1);
                    assertThat(e.data().get("index").asInt()).isEqualTo(next++);
                    open = e.data().get("index").asInt();
                    boolean tool = e.data().path("content_block").path("type").asText().equals("tool_use");
                    json = tool ? new StringBuilder() : null;
                }
                case "content_block_delta" -> {
                    assertThat(e.data().get("index").asInt()).isEqualTo(open);
                    if (json != null) {
                        json.append(e.data().path("delta").path("partial_json").asText());
                    }
                }
                case "content_block_stop" -> {
                    assertThat(e.data().get("index").asInt()).isEqualTo(open);
                    if (json != null && !json.isEmpty()) {
                        assertThat(Json.readTree(json.toString()).isObject()).as("input of block " + open).isTrue();
                    }
                    open = -1;
                }
                case "message_delta" -> assertThat(open).as("message_delta with a block open").isEqualTo(-1);
                default -> throw new AssertionError("unexpected event in the middle: " + e.name());
            }
        }
        String last = events.get(events.size() - 1).name();
        assertThat(last).isIn("message_stop", "error");
        if (last.equals("message_stop")) {
            assertThat(events.get(events.size() - 2).name()).isEqualTo("message_delta");
        } else {
            assertThat(events).extracting(Sse::name).doesNotContain("message_stop", "message_delta");
        }
    }

    /** Events as an SSE parser reads them back from {@link MessagesEvent#sse()}'s framing. */
    private record Sse(String name, JsonNode data) {
    }

    private static List<Sse> sse(String text) throws IOException {
        List<Sse> events = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String name = null;
            String data = null;
            for (String line : block.strip().split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            events.add(new Sse(name, Json.readTree(data)));
        }
        return events;
    }

    private static String model(Path dir) throws IOException {
        Path request = dir.resolve("messages-request.json");
        return Files.exists(request) ? Json.MAPPER.readTree(request.toFile()).path("model").asText(MODEL) : MODEL;
    }

    private static UnaryOperator<String> counter() {
        int[] n = {0};
        return prefix -> prefix + String.format("%02d", ++n[0]);
    }

    /** The tree as a parser would build it from its text (so an int and a long of equal value compare equal). */
    private static JsonNode normal(JsonNode n) {
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
