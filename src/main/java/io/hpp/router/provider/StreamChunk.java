package io.hpp.router.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hpp.router.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * One OpenAI {@code chat.completion.chunk} as the provider sent it, read once by a token scan instead of a tree: the
 * text it carries (content, refusal, reasoning, tool-call names and arguments), and where its {@code model} value and
 * its {@code "usage":null} member lie, so the relay renames the one and drops the other by copying bytes. Only the
 * common chunk is scanned: one that is not a single-line JSON object with a string {@code model}, or that carries an
 * {@code error} or a {@code usage} object, takes the general path (a tree).
 */
public final class StreamChunk {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private final byte[] json;
    private final int modelStart;
    private final int modelEnd;
    private final int usageStart;
    private final int usageEnd;
    private final String text;

    private StreamChunk(byte[] json, int modelStart, int modelEnd, int usageStart, int usageEnd, String text) {
        this.json = json;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.usageStart = usageStart;
        this.usageEnd = usageEnd;
        this.text = text;
    }

    /** The chunk scanned, or empty when it needs the general path. */
    public static Optional<StreamChunk> scan(byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return Optional.empty(); // relayed as one SSE data line, so it must be one line
            }
        }
        int modelStart = -1;
        int usageName = -1;
        int usageValue = -1;
        StringBuilder text = new StringBuilder();
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int nameAt = name.equals("usage") ? offset(p) : -1;
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (v != JsonToken.VALUE_STRING || modelStart >= 0) {
                            return Optional.empty();
                        }
                        modelStart = offset(p);
                    }
                    case "usage" -> {
                        if (v != JsonToken.VALUE_NULL || usageName >= 0) {
                            return Optional.empty();
                        }
                        usageName = nameAt;
                        usageValue = offset(p);
                    }
                    case "error" -> {
                        return Optional.empty();
                    }
                    case "choices" -> {
                        if (v == JsonToken.START_ARRAY) {
                            eachMember(p, "delta", text, StreamChunk::delta);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || modelStart < 0) {
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the general path reports what is wrong with it
        }
        int modelEnd = stringEnd(json, modelStart);
        int[] usage = usageName < 0 ? new int[] {-1, -1} : member(json, usageName, usageValue + 4);
        return Optional.of(new StreamChunk(json, modelStart, modelEnd, usage[0], usage[1], text.toString()));
    }

    /** The text the model produced in this chunk. */
    public String text() {
        return text;
    }

    /** The chunk as received. */
    public byte[] json() {
        return json;
    }

    /**
     * The chunk with {@code quotedModel} (a JSON string with its quotes, UTF-8) as its model and, unless
     * {@code keepUsage}, without its {@code "usage":null} member; the rest byte for byte as the provider sent it.
     */
    public byte[] rewritten(byte[] quotedModel, boolean keepUsage) {
        boolean dropUsage = !keepUsage && usageStart >= 0;
        if (!dropUsage && java.util.Arrays.equals(json, modelStart, modelEnd, quotedModel, 0, quotedModel.length)) {
            return json;
        }
        int cutFrom = dropUsage ? usageStart : json.length;
        int cutTo = dropUsage ? usageEnd : json.length;
        byte[] out = new byte[json.length - (modelEnd - modelStart) + quotedModel.length - (cutTo - cutFrom)];
        int o = 0;
        int from = 0;
        boolean modelFirst = modelStart < cutFrom;
        for (int pass = 0; pass < 2; pass++) {
            boolean model = modelFirst == (pass == 0);
            int start = model ? modelStart : cutFrom;
            int end = model ? modelEnd : cutTo;
            System.arraycopy(json, from, out, o, start - from);
            o += start - from;
            if (model) {
                System.arraycopy(quotedModel, 0, out, o, quotedModel.length);
                o += quotedModel.length;
            }
            from = end;
        }
        System.arraycopy(json, from, out, o, json.length - from);
        return out;
    }

    /** Reads the text out of one JSON object; the parser is at its start and is left at its end. */
    @FunctionalInterface
    private interface TextReader {
        void read(JsonParser p, StringBuilder text) throws IOException;
    }

    /**
     * For each object in the array the parser is at, reads its {@code member} object with {@code reader}; everything
     * else is skipped. Returns at the array's end.
     */
    private static void eachMember(JsonParser p, String member, StringBuilder text, TextReader reader) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.START_OBJECT && name.equals(member)) {
                    reader.read(p, text);
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void delta(JsonParser p, StringBuilder text) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            boolean textField = name.equals("content") || name.equals("refusal") || name.equals("reasoning_content");
            if (v == JsonToken.VALUE_STRING && textField) {
                text.append(p.getText());
            } else if (v == JsonToken.START_ARRAY && name.equals("tool_calls")) {
                eachMember(p, "function", text, StreamChunk::function);
            } else {
                p.skipChildren();
            }
        }
    }

    private static void function(JsonParser p, StringBuilder text) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING && (name.equals("name") || name.equals("arguments"))) {
                text.append(p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    /** Where the parser's current token starts in the input. */
    private static int offset(JsonParser p) {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    /** The index after the closing quote of the JSON string that opens at {@code quote}. */
    private static int stringEnd(byte[] json, int quote) {
        int i = quote + 1;
        while (json[i] != '"') {
            i += json[i] == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    /**
     * The bytes of the member from {@code name} to {@code valueEnd} together with one comma next to it (the one
     * before it, or after it when it is the first member), so that what remains is still a JSON object.
     */
    private static int[] member(byte[] json, int name, int valueEnd) {
        int before = name - 1;
        while (isSpace(json[before])) {
            before--;
        }
        if (json[before] == ',') {
            return new int[] {before, valueEnd};
        }
        int after = valueEnd;
        while (isSpace(json[after])) {
            after++;
        }
        return new int[] {name, json[after] == ',' ? after + 1 : after};
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
