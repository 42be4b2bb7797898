package io.hpp.router.dialect.messages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** One server-sent event of Anthropic's stream: its name ({@code message_start} …) and its JSON data. */
public record MessagesEvent(String name, ObjectNode data) {
    public MessagesEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
    }

    /** Anthropic's keep-alive, {@code event: ping}: for the caller to send while the provider is silent. */
    public static MessagesEvent ping() {
        return new MessagesEvent("ping", Json.object().put("type", "ping"));
    }

    /** The event as Anthropic frames it: {@code event: <name>\ndata: <json>\n\n}, in UTF-8. */
    public byte[] sse() {
        return ("event: " + name + "\ndata: " + new String(Json.bytes(data), StandardCharsets.UTF_8) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
