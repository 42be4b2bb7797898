package io.hpp.router.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Finds the top-level {@code usage} object of an images answer in the bytes kept from its start and its end.
 * OpenAI puts it last; a key {@code "usage"} inside a string would be escaped ({@code \"usage\"}), and base64 image
 * data holds no quotes, so the first unescaped {@code "usage":} found is the field.
 */
final class ImageUsage {
    private static final byte[] KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private ImageUsage() {
    }

    static Optional<JsonNode> find(byte[] head, byte[] tail) {
        return in(tail).or(() -> in(head));
    }

    private static Optional<JsonNode> in(byte[] b) {
        for (int i = b.length - KEY.length; i >= 0; i--) {
            if (matches(b, i) && (i == 0 || b[i - 1] != '\\')) {
                int j = i + KEY.length;
                while (j < b.length && Character.isWhitespace(b[j])) {
                    j++;
                }
                if (j < b.length && b[j] == ':') {
                    Optional<JsonNode> value = valueAt(b, j + 1);
                    if (value.isPresent()) {
                        return value;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean matches(byte[] b, int at) {
        for (int k = 0; k < KEY.length; k++) {
            if (b[at + k] != KEY[k]) {
                return false;
            }
        }
        return true;
    }

    private static Optional<JsonNode> valueAt(byte[] b, int from) {
        try (JsonParser p = Json.MAPPER.createParser(b, from, b.length - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            return Optional.of(Json.readTree(p));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
