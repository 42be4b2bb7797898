package io.hpp.router.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hpp.router.common.ApiException;
import io.hpp.router.value.TokenUsage;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of a chat request, made on its tokens as the body is walked once ({@link ChatBody#parse}), without a
 * tree: what each member is gets noted (a member given twice: the last counts, as in a tree), and {@link #verdict}
 * then judges in a fixed order — model, messages (each in turn: role, then content and its parts), stream,
 * stream_options, the output caps, n, temperature, numbers out of range anywhere — so the first problem is the same
 * whatever order the client wrote the members in. Message texts are skipped, not decoded.
 */
final class RequestCheck implements ChatBody.MemberReader {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** The most answers one request may ask for: OpenAI's own limit for {@code n}. */
    static final int MAX_ANSWERS = 128;
    private static final BigDecimal MAX_TEMPERATURE = BigDecimal.valueOf(2);

    /** What a scalar member was: absent, null, true, false, or something else. */
    private JsonToken stream;
    private JsonToken options;
    private JsonToken includeUsage;
    private JsonToken temperature;
    private BigDecimal temperatureValue;
    private String model;
    private boolean messagesSeen;
    private boolean messagesArray;
    private int messages;
    private ApiException messageProblem;
    private int images;
    private long imageUrlChars;
    private Cap maxCompletion = Cap.ABSENT;
    private Cap maxTokens = Cap.ABSENT;
    private Cap answers = Cap.ABSENT;
    /** The top-level member being read, and those that hold a number a JSON writer cannot write back (null: none). */
    private String member;
    private java.util.TreeSet<String> outOfRange;

    /** An output cap: absent (or null), a valid integer ≥ 1, or invalid. */
    private record Cap(boolean present, boolean valid, long value) {
        static final Cap ABSENT = new Cap(false, true, 0);
    }

    @Override
    public void read(String name, JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        member = name;
        if (outOfRange != null) {
            outOfRange.remove(name); // a name given twice: the last value counts
        }
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
            case "max_completion_tokens" -> maxCompletion = cap(p, TokenUsage.MAX_TOKENS);
            case "max_tokens" -> maxTokens = cap(p, TokenUsage.MAX_TOKENS);
            case "n" -> answers = cap(p, MAX_ANSWERS);
            case "temperature" -> {
                temperature = t;
                temperatureValue = t != null && t.isNumeric() ? p.getDecimalValue() : null;
            }
            default -> {
                // other members pass through to the provider unread
            }
        }
        skip(p);
    }

    /**
     * Walks the members of the object {@code p} is at: each goes to {@code reader} at its value's first token and is
     * then skipped to its end (whatever the reader read of it); leaves {@code p} at the object's end.
     */
    private void members(JsonParser p, ChatBody.MemberReader reader) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            reader.read(field, p);
            skip(p);
        }
    }

    /**
     * As {@link JsonParser#skipChildren()}: past the object or array {@code p} is at, if it is at one; noting a number
     * out of range on the way (only non-integers can be: a token's text is parsed only for them).
     */
    private void skip(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            note(p);
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return;
        }
        for (int depth = 1; depth > 0; ) {
            JsonToken next = p.nextToken();
            if (next == null) {
                return; // the end of the input: the body's walk reports it
            }
            if (next.isStructStart()) {
                depth++;
            } else if (next.isStructEnd()) {
                depth--;
            } else if (next == JsonToken.VALUE_NUMBER_FLOAT) {
                note(p);
            }
        }
    }

    private void note(JsonParser p) throws IOException {
        if (!ClientInput.inRange(p.getDecimalValue())) {
            if (outOfRange == null) {
                outOfRange = new java.util.TreeSet<>();
            }
            outOfRange.add(member);
        }
    }

    /** An integer from 1 to {@code max}, absent (or null), or invalid. */
    private static Cap cap(JsonParser p, long max) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Cap.ABSENT;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 1
                || p.getLongValue() > max) {
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
            Message m = Message.read(p, this);
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

        static Message read(JsonParser p, RequestCheck check) throws IOException {
            Message m = new Message();
            m.object = p.currentToken() == JsonToken.START_OBJECT;
            if (!m.object) {
                check.skip(p);
                return m;
            }
            check.members(p, (field, q) -> {
                JsonToken v = q.currentToken();
                switch (field) {
                    case "role" -> m.role = v == JsonToken.VALUE_STRING ? q.getText() : null;
                    case "tool_calls", "function_call" -> m.toolCalls = true;
                    case "content" -> {
                        m.content = v;
                        m.parts = v == JsonToken.START_ARRAY ? Parts.read(q, check) : new Parts();
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

        static Parts read(JsonParser p, RequestCheck check) throws IOException {
            Parts parts = new Parts();
            for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                String problem = parts.part(p, check);
                if (problem != null && parts.problem == null) {
                    parts.problem = problem;
                    parts.problemAt = i;
                }
            }
            return parts;
        }

        /** Reads one part (left at its last token); the rest of the message's problem text, or null. */
        private String part(JsonParser p, RequestCheck check) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                check.skip(p);
                return ".type' is required and must be a string";
            }
            Part part = new Part();
            check.members(p, (field, q) -> {
                JsonToken v = q.currentToken();
                switch (field) {
                    case "type" -> part.type = v == JsonToken.VALUE_STRING ? q.getText() : null;
                    case "text" -> part.text = v == JsonToken.VALUE_STRING;
                    case "image_url" -> {
                        part.url = null;
                        if (v == JsonToken.START_OBJECT) {
                            check.members(q, (name, r) -> {
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
        ClientInput.modelProblem(model).ifPresent(problem -> {
            throw ApiException.invalidRequest("Field 'model' " + problem);
        });
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
        Optional<Long> completionCap = cap(maxCompletion, ChatRequest.FIELD_MAX_COMPLETION_TOKENS, TokenUsage.MAX_TOKENS);
        Optional<Long> tokensCap = cap(maxTokens, ChatRequest.FIELD_MAX_TOKENS, TokenUsage.MAX_TOKENS);
        int n = cap(answers, "n", MAX_ANSWERS).orElse(1L).intValue();
        if (temperature != null && temperature != JsonToken.VALUE_NULL && (!temperature.isNumeric()
                || temperatureValue.signum() < 0 || temperatureValue.compareTo(MAX_TEMPERATURE) > 0)) {
            throw ApiException.invalidRequest("Field 'temperature' must be a number from 0 to 2");
        }
        if (outOfRange != null && !outOfRange.isEmpty()) {
            throw ApiException.invalidRequest("Field '" + outOfRange.first() + "' holds a number out of range (beyond a double's, about 1e308)");
        }
        boolean both = completionCap.isPresent() && tokensCap.isPresent();
        Optional<String> capField = both ? Optional.empty() : completionCap.isPresent() ? Optional.of(ChatRequest.FIELD_MAX_COMPLETION_TOKENS)
                : tokensCap.isPresent() ? Optional.of(ChatRequest.FIELD_MAX_TOKENS) : Optional.empty();
        Optional<Long> cap = both ? Optional.of(Math.min(completionCap.get(), tokensCap.get())) : completionCap.or(() -> tokensCap);
        return new ChatRequest(body, model, isStream, usage, cap, capField, both, n, messages, images,
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

    private static Optional<Long> cap(Cap c, String field, long max) {
        if (!c.present()) {
            return Optional.empty();
        }
        if (!c.valid()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be an integer from 1 to " + max);
        }
        return Optional.of(c.value());
    }
}
