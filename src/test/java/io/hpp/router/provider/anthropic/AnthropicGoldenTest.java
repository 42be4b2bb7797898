package io.hpp.router.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.upstream.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden cases under {@code golden/anthropic/<case>/}: each file present is one assertion about AnthropicMapper.
 * openai-request.json → anthropic-request.json; anthropic-response.json → openai-response.json;
 * anthropic-stream.sse → openai-stream.jsonl (and expected-error.json when the stream fails);
 * anthropic-error.json → expected-error.json.
 */
class AnthropicGoldenTest {
    private static final long CREATED = 1_700_000_000L;
    private static final String MODEL = "claude-sonnet-4-20250514";
    private static final long DEFAULT_MAX_TOKENS = 64_000;

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException, URISyntaxException {
        Path root = Path.of(getClass().getResource("/golden/anthropic").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(root).sorted()) {
            for (Path dir : cases.toList()) {
                String name = dir.getFileName().toString();
                if (Files.exists(dir.resolve("anthropic-request.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": request", () -> request(dir)));
                }
                if (Files.exists(dir.resolve("anthropic-response.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": response", () -> response(dir)));
                }
                if (Files.exists(dir.resolve("anthropic-stream.sse"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": stream", () -> stream(dir)));
                }
                if (Files.exists(dir.resolve("anthropic-error.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": error", () -> error(dir)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(20);
        return tests.stream();
    }

    private static void request(Path dir) throws IOException {
        ObjectNode openAi = (ObjectNode) read(dir, "openai-request.json");
        ObjectNode actual = AnthropicMapper.toUpstream(openAi, MODEL, DEFAULT_MAX_TOKENS);
        assertThat(normal(actual)).isEqualTo(read(dir, "anthropic-request.json"));
    }

    private static void response(Path dir) throws IOException {
        assertThat(normal(AnthropicMapper.fromUpstream(read(dir, "anthropic-response.json"), CREATED))).isEqualTo(read(dir, "openai-response.json"));
    }

    private static void stream(Path dir) throws IOException {
        AnthropicStream stream = AnthropicMapper.newStream(CREATED);
        List<JsonNode> chunks = new ArrayList<>();
        Optional<ProviderException> failure = Optional.empty();
        try (InputStream in = Files.newInputStream(dir.resolve("anthropic-stream.sse"))) {
            SseReader reader = new SseReader(in, 1 << 20);
            for (Optional<SseReader.Event> e = reader.next(); e.isPresent(); e = reader.next()) {
                AnthropicMapper.fromEvent(stream, e.get().data()).forEach(c -> chunks.add(normal(c)));
            }
        } catch (ProviderException e) {
            failure = Optional.of(e);
        }
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("openai-stream.jsonl"))) {
            if (!line.isBlank()) {
                expected.add(Json.MAPPER.readTree(line));
            }
        }
        assertThat(chunks).containsExactlyElementsOf(expected);
        if (Files.exists(dir.resolve("expected-error.json"))) {
            assertThat(failure).as("the stream must fail").isPresent();
            assertError(failure.get(), read(dir, "expected-error.json"));
        } else {
            assertThat(failure).isEmpty();
            assertThat(stream.finished()).isTrue();
        }
    }

    private static void error(Path dir) throws IOException {
        JsonNode upstream = read(dir, "anthropic-error.json");
        ProviderException e = AnthropicMapper.fromError(upstream.get("status").asInt(), upstream.get("body").toString());
        assertError(e, read(dir, "expected-error.json"));
    }

    /** Every field the expected envelope names must match (the message of gateway-worded errors is not pinned). */
    private static void assertError(ProviderException e, JsonNode expected) {
        assertThat(e.clientStatus()).isEqualTo(expected.get("status").asInt());
        JsonNode actual = normal(e.envelope()).get("error");
        expected.get("envelope").get("error").properties().forEach(f ->
                assertThat(actual.get(f.getKey())).as(f.getKey()).isEqualTo(f.getValue()));
        assertThat(actual.get("message").asText()).isNotBlank();
    }

    @org.junit.jupiter.api.Test
    void malformedToolArgumentsAreRejectedBeforeAnythingIsSent() {
        ObjectNode req = (ObjectNode) parse("{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"x\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"not json\"}}]}]}");
        assertThatThrownBy(() -> AnthropicMapper.toUpstream(req, MODEL, 10)).hasMessageContaining("arguments");
    }

    /** The tree as a parser would build it from its text (so an int and a long of equal value compare equal). */
    private static JsonNode normal(JsonNode n) {
        return parse(n.toString());
    }

    private static JsonNode read(Path dir, String file) throws IOException {
        return Json.MAPPER.readTree(dir.resolve(file).toFile());
    }

    private static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
