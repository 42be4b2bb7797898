package io.hpp.router.dialect.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** One server-sent event of a Responses stream: its type ({@code response.created} …) and its JSON data, which repeats it. */
public record ResponsesEvent(String type, ObjectNode data) {
    public ResponsesEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    /** The event as OpenAI frames it: {@code event: <type>\ndata: <json>\n\n}, in UTF-8. */
    public byte[] sse() {
        return ("event: " + type + "\ndata: " + new String(Json.bytes(data), StandardCharsets.UTF_8) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
