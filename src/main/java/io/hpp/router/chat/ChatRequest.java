package io.hpp.router.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.ApiException;
import io.hpp.router.provider.ChatBody;
import java.util.Optional;
import java.util.Set;

/**
 * A validated chat-completion request: the original JSON (so unknown fields pass through untouched) and the few facts
 * the pipeline needs from it.
 *
 * @param body           the request as sent, as a tree and the client's bytes; the pipeline only ever changes
 *                       {@code model} and the output cap
 * @param model          the requested model id
 * @param stream         whether the client asked for SSE
 * @param includeUsage   whether the client asked for the usage chunk ({@code stream_options.include_usage})
 * @param outputCap      the client's {@code max_completion_tokens} or {@code max_tokens}
 * @param capField       which of the two fields the client used
 * @param messages       number of messages
 * @param imageParts     number of {@code image_url} parts
 * @param boundBytes     request bytes that can become tokens: the body less image URLs (images are bounded apart)
 */
public record ChatRequest(ChatBody body, String model, boolean stream, boolean includeUsage, Optional<Long> outputCap,
                          Optional<String> capField, int messages, int imageParts, long boundBytes) {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    /** The request as a tree: to read, not to change. */
    public ObjectNode tree() {
        return body.tree();
    }

    /** The same request with its output cap set in {@code field} (on a copy of the body's top level). */
    public ChatRequest withCap(String field, long cap) {
        return new ChatRequest(body.with(field, cap), model, stream, includeUsage, Optional.of(cap), Optional.of(field), messages, imageParts, boundBytes);
    }

    public static ChatRequest parse(byte[] raw) {
        ChatBody parsed = ChatBody.parse(raw);
        ObjectNode body = parsed.tree();
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ApiException.invalidRequest("Field 'model' is required and must be a non-empty string");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalidRequest("Field 'messages' is required and must be a non-empty array");
        }
        int images = 0;
        long imageUrlBytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            MessageCheck check = checkMessage(messages.get(i), "messages[" + i + "]");
            images += check.images();
            imageUrlBytes += check.imageUrlBytes();
        }
        boolean stream = bool(body, "stream");
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw ApiException.invalidRequest("Field 'stream_options' must be an object");
        }
        boolean includeUsage = options != null && options.isObject() && bool((ObjectNode) options, "include_usage");
        Optional<Long> maxCompletion = positiveInt(body, "max_completion_tokens");
        Optional<Long> maxTokens = positiveInt(body, "max_tokens");
        JsonNode temperature = body.get("temperature");
        if (temperature != null && !temperature.isNull() && !temperature.isNumber()) {
            throw ApiException.invalidRequest("Field 'temperature' must be a number");
        }
        Optional<String> capField = maxCompletion.isPresent() ? Optional.of("max_completion_tokens")
                : maxTokens.isPresent() ? Optional.of("max_tokens") : Optional.empty();
        return new ChatRequest(parsed, model.asText(), stream, includeUsage, maxCompletion.or(() -> maxTokens), capField,
                messages.size(), images, Math.max(0, raw.length - imageUrlBytes));
    }

    private record MessageCheck(int images, long imageUrlBytes) {
    }

    private static MessageCheck checkMessage(JsonNode m, String where) {
        if (!m.isObject()) {
            throw ApiException.invalidRequest("Field '" + where + "' must be an object");
        }
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw ApiException.invalidRequest("Field '" + where + ".role' must be one of system, user, assistant, tool");
        }
        JsonNode content = m.get("content");
        boolean mayOmitContent = role.asText().equals("assistant") && (m.has("tool_calls") || m.has("function_call"));
        if (content == null || content.isNull()) {
            if (mayOmitContent) {
                return new MessageCheck(0, 0);
            }
            throw ApiException.invalidRequest("Field '" + where + ".content' is required: a string or an array of parts");
        }
        if (content.isTextual()) {
            return new MessageCheck(0, 0);
        }
        if (!content.isArray()) {
            throw ApiException.invalidRequest("Field '" + where + ".content' must be a string or an array of parts");
        }
        int images = 0;
        long urlBytes = 0;
        for (int p = 0; p < content.size(); p++) {
            String pw = where + ".content[" + p + "]";
            JsonNode part = content.get(p);
            JsonNode type = part.get("type");
            if (!part.isObject() || type == null || !type.isTextual()) {
                throw ApiException.invalidRequest("Field '" + pw + ".type' is required and must be a string");
            }
            switch (type.asText()) {
                case "text" -> {
                    if (!part.path("text").isTextual()) {
                        throw ApiException.invalidRequest("Field '" + pw + ".text' must be a string");
                    }
                }
                case "image_url" -> {
                    String url = imageUrl(part, pw);
                    images++;
                    urlBytes += url.length();
                }
                default -> {
                    // other part types (input_audio, file, …) pass through to the provider unchanged
                }
            }
        }
        return new MessageCheck(images, urlBytes);
    }

    private static String imageUrl(JsonNode part, String where) {
        JsonNode url = part.path("image_url").path("url");
        if (!url.isTextual()) {
            throw ApiException.invalidRequest("Field '" + where + ".image_url.url' is required and must be a string");
        }
        String u = url.asText();
        if (!(u.startsWith("https://") || u.startsWith("http://") || u.startsWith("data:"))) {
            throw ApiException.invalidRequest("Field '" + where + ".image_url.url' must be an http(s) URL or a data: URL");
        }
        return u;
    }

    private static boolean bool(ObjectNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static Optional<Long> positiveInt(ObjectNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || !v.canConvertToLong()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be an integer >= 1");
        }
        return Optional.of(v.asLong());
    }
}
