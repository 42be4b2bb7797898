package io.hpp.router;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one shared Jackson mapper. Numbers keep their exact decimal form; trees keep unknown fields. */
public final class Json {
    public static final ObjectMapper MAPPER = create();

    private Json() {
    }

    private static ObjectMapper create() {
        ObjectMapper m = new ObjectMapper();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        m.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        m.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        return m;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
