package io.hpp.router.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hpp.router.ApiException;
import io.hpp.router.provider.ChatBody;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of a chat request, made on its tokens as the body is walked once ({@link ChatBody#parse}), without a
 * tree: what each member is gets noted (a member given twice: the last counts, as in a tree), and {@link #verdict}
 * then judges in a fixed order — model, messages (each in turn: role, then content and its parts), stream,
 * stream_options, the output caps, temperature — so the first problem is the same whatever order the client wrote
 * the members in. Message texts are skipped, not decoded.
 */
final class RequestCheck implements ChatBody.MemberReader {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    /** What a scalar member was: absent, null, true, false, or something else. */
    private JsonToken stream;
    private JsonToken options;
    private JsonToken includeUsage;
    private JsonToken temperature;
    private String model;
    private boolean messagesSeen;
    private boolean messagesArray;
    private int messages;
    private ApiException messageProblem;
    private int images;
    private long imageUrlChars;
    private Cap maxCompletion = Cap.ABSENT;
    private Cap maxTokens = Cap.ABSENT;

    /** An output cap: absent (or null), a valid integer ≥ 1, or invalid. */
    private record Cap(boolean present, boolean valid, long value) {
        static final Cap ABSENT = new Cap(false, true, 0);
    }

    @Override
    public void read(String name, JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (name) {
            case "model" -> model = t == JsonToken.VALUE_STRING ? p.getText() : null;
            case "messages" -> messages(p);
            case "stream" -> stream = t;
            case "stream_options" -> {
                options = t;
                includeUsage = null;
                if (t == JsonToken.START_OBJECT) {
                    members(p, (field, q) -> {
                        if (field.equals("include_usage")) {
                            includeUsage = q.currentToken();
                        }
                    });
                }
            }
            case "max_completion_tokens" -> maxCompletion = cap(p);
            case "max_tokens" -> maxTokens = cap(p);
            case "temperature" -> temperature = t;
            default -> {
                // other members pass through to the provider unread
            }
        }
        p.skipChildren();
    }

    /**
     * Walks the members of the object {@code p} is at: each goes to {@code reader} at its value's first token and is
     * then skipped to its end (whatever the reader read of it); leaves {@code p} at the object's end.
     */
    private static void members(JsonParser p, ChatBody.MemberReader reader) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            reader.read(field, p);
            p.skipChildren();
        }
    }

    private static Cap cap(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Cap.ABSENT;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 1) {
            return new Cap(true, false, 0);
        }
        return new Cap(true, true, p.getLongValue());
    }

    private void messages(JsonParser p) throws IOException {
        messagesSeen = true;
        messagesArray = p.currentToken() == JsonToken.START_ARRAY;
        messages = 0;
        messageProblem = null;
        images = 0;
        imageUrlChars = 0;
        if (!messagesArray) {
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Message m = Message.read(p);
            if (messageProblem == null) {
                messageProblem = m.problem("messages[" + messages + "]");
                images += m.parts.images;
                imageUrlChars += m.parts.urlChars;
            }
            messages++;
        }
    }

    /** One message, as far as the checks need it. */
    private static final class Message {
        boolean object;
        String role;
        boolean toolCalls;
        JsonToken content;
        Parts parts = new Parts();

        static Message read(JsonParser p) throws IOException {
            Message m = new Message();
            m.object = p.currentToken() == JsonToken.START_OBJECT;
            if (!m.object) {
                p.skipChildren();
                return m;
            }
            members(p, (field, q) -> {
                JsonToken v = q.currentToken();
                switch (field) {
                    case "role" -> m.role = v == JsonToken.VALUE_STRING ? q.getText() : null;
                    case "tool_calls", "function_call" -> m.toolCalls = true;
                    case "content" -> {
                        m.content = v;
                        m.parts = v == JsonToken.START_ARRAY ? Parts.read(q) : new Parts();
                    }
                    default -> {
                        // name, tool_call_id, … pass through
                    }
                }
            });
            return m;
        }

        ApiException problem(String where) {
            if (!object) {
                return ApiException.invalidRequest("Field '" + where + "' must be an object");
            }
            if (role == null || !ROLES.contains(role)) {
                return ApiException.invalidRequest("Field '" + where + ".role' must be one of system, user, assistant, tool");
            }
            if (content == null || content == JsonToken.VALUE_NULL) {
                return role.equals("assistant") && toolCalls ? null
                        : ApiException.invalidRequest("Field '" + where + ".content' is required: a string or an array of parts");
            }
            if (content == JsonToken.VALUE_STRING) {
                return null;
            }
            if (content != JsonToken.START_ARRAY) {
                return ApiException.invalidRequest("Field '" + where + ".content' must be a string or an array of parts");
            }
            return parts.problem == null ? null : ApiException.invalidRequest("Field '" + where + ".content[" + parts.problemAt + "]"
                    + parts.problem);
        }
    }

    /** What one part says of itself (a name given twice: the last counts). */
    private static final class Part {
        String type;
        boolean text;
        String url;
    }

    /** The parts of one message's content: the first problem, and the images. */
    private static final class Parts {
        String problem;
        int problemAt;
        int images;
        long urlChars;

        static Parts read(JsonParser p) throws IOException {
            Parts parts = new Parts();
            for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                String problem = parts.part(p);
                if (problem != null && parts.problem == null) {
                    parts.problem = problem;
                    parts.problemAt = i;
                }
            }
            return parts;
        }

        /** Reads one part (left at its last token); the rest of the message's problem text, or null. */
        private String part(JsonParser p) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return ".type' is required and must be a string";
            }
            Part part = new Part();
            members(p, (field, q) -> {
                JsonToken v = q.currentToken();
                switch (field) {
                    case "type" -> part.type = v == JsonToken.VALUE_STRING ? q.getText() : null;
                    case "text" -> part.text = v == JsonToken.VALUE_STRING;
                    case "image_url" -> {
                        part.url = null;
                        if (v == JsonToken.START_OBJECT) {
                            members(q, (name, r) -> {
                                if (name.equals("url")) {
                                    part.url = r.currentToken() == JsonToken.VALUE_STRING ? r.getText() : null;
                                }
                            });
                        }
                    }
                    default -> {
                        // other members of a part pass through
                    }
                }
            });
            String type = part.type;
            String url = part.url;
            if (type == null) {
                return ".type' is required and must be a string";
            }
            switch (type) {
                case "text" -> {
                    return part.text ? null : ".text' must be a string";
                }
                case "image_url" -> {
                    if (url == null) {
                        return ".image_url.url' is required and must be a string";
                    }
                    if (!(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("data:"))) {
                        return ".image_url.url' must be an http(s) URL or a data: URL";
                    }
                    if (problem == null) {
                        images++;
                        urlChars += url.length();
                    }
                    return null;
                }
                default -> {
                    return null; // other part types (input_audio, file, …) pass through to the provider unchanged
                }
            }
        }
    }

    /** The request's facts, or the first problem, in the order of the checks. */
    ChatRequest verdict(ChatBody body, int rawLength) {
        if (model == null || model.isBlank()) {
            throw ApiException.invalidRequest("Field 'model' is required and must be a non-empty string");
        }
        if (!messagesSeen || !messagesArray || messages == 0) {
            throw ApiException.invalidRequest("Field 'messages' is required and must be a non-empty array");
        }
        if (messageProblem != null) {
            throw messageProblem;
        }
        boolean isStream = bool(stream, "stream");
        if (options != null && options != JsonToken.VALUE_NULL && options != JsonToken.START_OBJECT) {
            throw ApiException.invalidRequest("Field 'stream_options' must be an object");
        }
        boolean usage = options == JsonToken.START_OBJECT && bool(includeUsage, "include_usage");
        Optional<Long> completionCap = cap(maxCompletion, "max_completion_tokens");
        Optional<Long> tokensCap = cap(maxTokens, "max_tokens");
        if (temperature != null && temperature != JsonToken.VALUE_NULL && !temperature.isNumeric()) {
            throw ApiException.invalidRequest("Field 'temperature' must be a number");
        }
        Optional<String> capField = completionCap.isPresent() ? Optional.of("max_completion_tokens")
                : tokensCap.isPresent() ? Optional.of("max_tokens") : Optional.empty();
        return new ChatRequest(body, model, isStream, usage, completionCap.or(() -> tokensCap), capField, messages, images,
                Math.max(0, rawLength - imageUrlChars));
    }

    private static boolean bool(JsonToken t, String field) {
        if (t == null || t == JsonToken.VALUE_NULL) {
            return false;
        }
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw ApiException.invalidRequest("Field '" + field + "' must be true or false");
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private static Optional<Long> cap(Cap c, String field) {
        if (!c.present()) {
            return Optional.empty();
        }
        if (!c.valid()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be an integer >= 1");
        }
        return Optional.of(c.value());
    }
}
