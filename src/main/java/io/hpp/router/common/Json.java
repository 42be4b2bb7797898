package io.hpp.router.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The one shared Jackson mapper. Numbers keep their exact decimal form; trees keep unknown fields. */
public final class Json {
    public static final ObjectMapper MAPPER = create();

    private Json() {
    }

    private static ObjectMapper create() {
        // one shared pool of parser buffers: Jackson's default keeps buffers per thread, which with a virtual thread
        // per request means a set of buffers for every open stream
        ObjectMapper m = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        m.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        m.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        return m;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A new object with the same members, their values shared, not copied: for changing top-level members only. */
    public static ObjectNode shallowCopy(ObjectNode n) {
        ObjectNode copy = MAPPER.createObjectNode();
        copy.setAll(n);
        return copy;
    }

    /**
     * A request body that must be one JSON object; anything else is a 400 {@code invalid_request}, and more JSON than its
     * size allows ({@link JsonElements#ofBody}) a 413 {@code payload_too_large}, before the tree is made.
     */
    public static ObjectNode requestObject(byte[] raw) {
        return requestObject(raw, JsonElements.ofBody(raw.length));
    }

    /** As {@link #requestObject(byte[])}, read within {@code allowance}. */
    public static ObjectNode requestObject(byte[] raw, JsonElements allowance) {
        JsonNode root;
        try (JsonParser p = requestParser(raw, allowance)) {
            root = readTree(p);
        } catch (IOException e) {
            throw ApiException.invalidRequest("Request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalidRequest("Request body must be a JSON object");
        }
        return (ObjectNode) root;
    }

    /** A parser of a client's body that counts what it reads against {@code allowance}. */
    public static JsonParser requestParser(byte[] raw, JsonElements allowance) throws IOException {
        return allowance.count(MAPPER.createParser(raw));
    }

    /** The JSON in {@code text}, read within {@code allowance} (which is first allowed the text's length). */
    public static JsonNode tree(String text, JsonElements allowance) throws IOException {
        try (JsonParser p = allowance.allow(text.length()).count(MAPPER.createParser(text))) {
            return readTree(p);
        }
    }

    /**
     * Jackson's tree of the JSON in {@code json[offset, offset + length)}. Every tree the router reads goes through
     * these three methods: a number that no Java number holds (valid JSON, such as {@code 1e2036854775807}) is reported
     * as JSON the router cannot read, an {@link IOException} like any other, where Jackson (exact decimals) throws
     * {@link NumberFormatException} — from a provider's answer that was a 500 (found by {@code WireScanProperties}).
     */
    public static JsonNode readTree(byte[] json, int offset, int length) throws IOException {
        try {
            return MAPPER.readTree(json, offset, length);
        } catch (NumberFormatException e) {
            throw unreadableNumber(e);
        }
    }

    /** As {@link #readTree(byte[], int, int)}, of all of {@code json}. */
    public static JsonNode readTree(byte[] json) throws IOException {
        return readTree(json, 0, json.length);
    }

    /** {@code json} read as one JSON object; empty when it is not JSON or not an object. */
    public static java.util.Optional<ObjectNode> readObject(byte[] json) {
        try {
            return readTree(json) instanceof ObjectNode o ? java.util.Optional.of(o) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** As {@link #readTree(byte[], int, int)}, of {@code json}. */
    public static JsonNode readTree(String json) throws IOException {
        try {
            return MAPPER.readTree(json);
        } catch (NumberFormatException e) {
            throw unreadableNumber(e);
        }
    }

    /** As {@link #readTree(byte[], int, int)}, of the next value of {@code p}. */
    public static JsonNode readTree(JsonParser p) throws IOException {
        try {
            return MAPPER.readTree(p);
        } catch (NumberFormatException e) {
            throw unreadableNumber(e);
        }
    }

    private static IOException unreadableNumber(NumberFormatException e) {
        return new JsonParseException(null, "a number beyond every range the router reads", e);
    }

    /**
     * The value as JSON in UTF-8. Written as text and encoded by the JDK: twice as fast as Jackson's UTF-8 generator on
     * long strings, whose every character it handles one at a time (a 31 KB conversation: 24 against 51–105 µs,
     * {@code bench/jmh.sh HotPathBench.upstreamBodyOfConversation}). The same bytes as that generator's, except that
     * characters outside the BMP (emoji) come out as UTF-8 rather than as an escaped surrogate pair. A lone
     * surrogate, which {@code String.getBytes} would turn into '?', is caught by decoding the bytes again and comparing,
     * and is written by the generator, as an escape.
     */
    public static byte[] bytes(Object value) {
        try {
            String text = MAPPER.writeValueAsString(value);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            // a lone surrogate became '?': the decoded bytes then differ from the text (both steps are JDK intrinsics)
            return new String(utf8, StandardCharsets.UTF_8).equals(text) ? utf8 : MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
