package io.hpp.router.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * A conversation's opening: its messages up to and including the first from the user (at most {@value #MAX_MESSAGES}),
 * which every turn of the conversation resends unchanged — the system prompt and the first question. Hashed as bytes
 * (CRC-32C, which the JVM computes with the CPU's instruction) and their length: it tells conversations apart for
 * affinity, a collision only sends two conversations to one deployment.
 */
final class Opening {
    static final int MAX_MESSAGES = 8;

    private Opening() {
    }

    /**
     * The opening of the messages array in {@code raw[start, end)}, as the client's bytes: the walk reads each message's
     * role and skips the rest unread, and stops at the first user message, so a long conversation costs what its opening
     * does. 0 for what is not an array.
     */
    static long hash(byte[] raw, int start, int end) {
        try (JsonParser p = Json.MAPPER.createParser(raw, start, end - start)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return 0;
            }
            long length = 0;
            for (int i = 0; i < MAX_MESSAGES; i++) {
                JsonToken t = p.nextToken();
                if (t == null || t == JsonToken.END_ARRAY) {
                    break;
                }
                boolean user = t == JsonToken.START_OBJECT ? readRole(p) : skip(p);
                // the parser's offsets count from the start it was given
                length = p.currentLocation().getByteOffset();
                if (user) {
                    break;
                }
            }
            return of(raw, start, (int) Math.min(length, end - start));
        } catch (IOException e) {
            return 0; // the body was read whole before: only a string longer than the parser reads gets here
        }
    }

    /** As {@link #hash(byte[], int, int)}, of messages the gateway made: their JSON. */
    static long hash(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            return 0;
        }
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < Math.min(MAX_MESSAGES, messages.size()); i++) {
            JsonNode m = messages.get(i);
            json.append(i == 0 ? "" : ",").append(m);
            if ("user".equals(m.path("role").asText())) {
                break;
            }
        }
        byte[] bytes = json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return of(bytes, 0, bytes.length);
    }

    /** Reads one message object to its end; whether its role is {@code user}. */
    private static boolean readRole(JsonParser p) throws IOException {
        boolean user = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("role") && v == JsonToken.VALUE_STRING) {
                user = p.getText().equals("user");
            } else {
                p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new IOException("a message is not an object");
        }
        return user;
    }

    private static boolean skip(JsonParser p) throws IOException {
        p.skipChildren();
        return false;
    }

    private static long of(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue() << 32 | length;
    }
}
