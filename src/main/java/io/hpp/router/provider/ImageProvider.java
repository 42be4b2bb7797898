package io.hpp.router.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.value.Model;
import java.io.OutputStream;
import java.util.Optional;

/** A provider that generates images in the OpenAI images wire format. */
public interface ImageProvider {

    /** Where a successful answer's bytes go: opened once the provider answered 200, with its Content-Length (-1 if none). */
    @FunctionalInterface
    interface BodySink {
        OutputStream open(long contentLength);
    }

    /**
     * Generates, passing the answer's bytes to {@code sink} as they arrive (image answers are many MB of base64:
     * they are never held whole); returns the answer's {@code usage} object if it had one.
     */
    Optional<JsonNode> generate(Model model, ObjectNode request, BodySink sink);
}
