package io.hpp.router.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.wire.ClientInput;
import java.util.List;

/**
 * A validated image-generation request with the defaults applied: {@code model} gpt-image-1, {@code n} 1,
 * {@code size} 1024x1024, {@code quality} auto. Other fields pass through to the provider unchanged.
 */
record ImageRequest(ObjectNode body, String model, String prompt, int n, String size, String quality) {
    static final List<String> SIZES = List.of("1024x1024", "1024x1536", "1536x1024");
    static final List<String> QUALITIES = List.of("low", "medium", "high", "auto");
    private static final int MAX_PROMPT_CHARS = 32_000;

    static ImageRequest parse(byte[] raw) {
        ObjectNode body = Json.requestObject(raw);
        JsonNode prompt = body.get("prompt");
        if (prompt == null || !prompt.isTextual() || prompt.asText().isBlank()) {
            throw ApiException.invalidRequest("Field 'prompt' is required and must be a non-empty string");
        }
        if (prompt.asText().length() > MAX_PROMPT_CHARS) {
            throw ApiException.invalidRequest("Field 'prompt' must be at most " + MAX_PROMPT_CHARS + " characters");
        }
        String model = text(body, "model", "gpt-image-1");
        ClientInput.modelProblem(model).ifPresent(problem -> {
            throw ApiException.invalidRequest("Field 'model' " + problem);
        });
        JsonNode n = body.get("n");
        int count = 1;
        if (n != null && !n.isNull()) {
            if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > 4) {
                throw ApiException.invalidRequest("Field 'n' must be an integer from 1 to 4");
            }
            count = n.asInt();
        }
        String size = oneOf(body, "size", SIZES, "1024x1024");
        String quality = oneOf(body, "quality", QUALITIES, "auto");
        for (String passThrough : List.of("background", "output_format")) {
            JsonNode v = body.get(passThrough);
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw ApiException.invalidRequest("Field '" + passThrough + "' must be a string");
            }
        }
        if (body.path("stream").asBoolean(false)) {
            throw ApiException.invalidRequest("Field 'stream': streamed image generation is not supported");
        }
        // the body is written again from this tree: a number no JSON writer can write must be the client's 400
        ClientInput.memberWithNumberOutOfRange(body).ifPresent(member -> {
            throw ApiException.invalidRequest("Field '" + member + "' holds a number out of range (beyond a double's, about 1e308)");
        });
        body.put("model", model);
        body.put("n", count);
        body.put("size", size);
        body.put("quality", quality);
        return new ImageRequest(body, model, prompt.asText(), count, size, quality);
    }

    private static String text(ObjectNode body, String field, String dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static String oneOf(ObjectNode body, String field, List<String> allowed, String dflt) {
        String v = text(body, field, dflt);
        if (!allowed.contains(v)) {
            throw ApiException.invalidRequest("Field '" + field + "' must be one of " + String.join(", ", allowed) + "; got '" + v + "'");
        }
        return v;
    }

    /**
     * Output tokens of one image, from OpenAI's published table for gpt-image-1; {@code auto} may pick any quality,
     * so it is priced as high.
     */
    long outputTokensPerImage() {
        int column = SIZES.indexOf(size);
        long[] row = switch (quality) {
            case "low" -> new long[] {272, 408, 400};
            case "medium" -> new long[] {1056, 1584, 1568};
            default -> new long[] {4160, 6240, 6208};
        };
        return row[column];
    }
}
