package io.hpp.router.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One OpenAI {@code chat.completion.chunk} as the provider sent it, read once by a {@link JsonCursor} walk instead of
 * a tree: the text it carries (content, refusal, reasoning, tool-call names and arguments), and where its {@code model}
 * value and its {@code "usage":null} member lie, so the relay renames the one and drops the other by copying bytes.
 * Only the common chunk is scanned: one that is not a single-line JSON object with a string {@code model}, or that
 * carries an {@code error} or a {@code usage} object, takes the general path (a tree).
 */
public final class StreamChunk {
    private final byte[] json;
    private final int modelStart;
    private final int modelEnd;
    private final int usageStart;
    private final int usageEnd;
    private final String text;
    /** A chunk held as a tree (the general path), or null for a scanned one. */
    private final ObjectNode tree;

    private StreamChunk(byte[] json, int modelStart, int modelEnd, int usageStart, int usageEnd, String text) {
        this(json, modelStart, modelEnd, usageStart, usageEnd, text, null);
    }

    private StreamChunk(byte[] json, int modelStart, int modelEnd, int usageStart, int usageEnd, String text, ObjectNode tree) {
        this.tree = tree;
        this.json = json;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.usageStart = usageStart;
        this.usageEnd = usageEnd;
        this.text = text;
    }

    /**
     * A chunk for the general path, as a tree: one the scan left (a usage object, an error, an unusual shape) or one
     * a translating adapter made. Its bytes and text are not used: the relay reads the tree.
     */
    public static StreamChunk of(ObjectNode tree) {
        return new StreamChunk(null, -1, -1, -1, -1, "", java.util.Objects.requireNonNull(tree, "tree"));
    }

    /** The chunk as a tree, when it took the general path; empty for a scanned chunk. */
    public Optional<ObjectNode> tree() {
        return Optional.ofNullable(tree);
    }

    /** The chunk scanned, or empty when it needs the general path. */
    public static Optional<StreamChunk> scan(byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return Optional.empty(); // relayed as one SSE data line, so it must be one line
            }
        }
        try {
            return Optional.ofNullable(read(json));
        } catch (JsonCursor.Malformed e) {
            return Optional.empty(); // the general path reports what is wrong with it
        }
    }

    /** The chunk, or null when it is well-formed but not the common kind. */
    private static StreamChunk read(byte[] json) {
        JsonCursor c = new JsonCursor(json);
        int modelStart = -1;
        int modelEnd = -1;
        int usageName = -1;
        int usageValueEnd = -1;
        StringBuilder text = new StringBuilder();
        c.expect('{');
        for (boolean first = true; c.nextMember(first); first = false) {
            int name = c.name();
            if (c.nameIs(name, "model")) {
                if (modelStart >= 0 || c.peek() != '"') {
                    return null;
                }
                modelStart = c.pos();
                modelEnd = c.string(null);
            } else if (c.nameIs(name, "usage")) {
                if (usageName >= 0 || !c.nullValue()) {
                    return null;
                }
                usageName = name;
                usageValueEnd = c.pos();
            } else if (c.nameIs(name, "error")) {
                return null;
            } else if (c.nameIs(name, "choices") && c.peek() == '[') {
                eachMember(c, "delta", text, StreamChunk::delta);
            } else {
                c.skipValue();
            }
        }
        if (!c.atEnd() || modelStart < 0) {
            return null;
        }
        int[] usage = usageName < 0 ? new int[] {-1, -1} : member(json, usageName, usageValueEnd);
        return new StreamChunk(json, modelStart, modelEnd, usage[0], usage[1], text.toString());
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

    /** Reads the text out of one JSON object; the cursor is at its start and is left after its end. */
    @FunctionalInterface
    private interface TextReader {
        void read(JsonCursor c, StringBuilder text);
    }

    /**
     * For each object in the array the cursor is at, reads its {@code member} object with {@code reader}; everything
     * else is skipped. Returns after the array's end.
     */
    private static void eachMember(JsonCursor c, String member, StringBuilder text, TextReader reader) {
        c.expect('[');
        for (boolean first = true; c.nextElement(first); first = false) {
            if (c.peek() != '{') {
                c.skipValue();
                continue;
            }
            c.expect('{');
            for (boolean firstMember = true; c.nextMember(firstMember); firstMember = false) {
                int name = c.name();
                if (c.nameIs(name, member) && c.peek() == '{') {
                    reader.read(c, text);
                } else {
                    c.skipValue();
                }
            }
        }
    }

    private static void delta(JsonCursor c, StringBuilder text) {
        c.expect('{');
        for (boolean first = true; c.nextMember(first); first = false) {
            int name = c.name();
            boolean textField = c.nameIs(name, "content") || c.nameIs(name, "refusal")
                    || c.nameIs(name, "reasoning_content");
            if (textField && c.peek() == '"') {
                c.string(text);
            } else if (c.nameIs(name, "tool_calls") && c.peek() == '[') {
                eachMember(c, "function", text, StreamChunk::function);
            } else {
                c.skipValue();
            }
        }
    }

    private static void function(JsonCursor c, StringBuilder text) {
        c.expect('{');
        for (boolean first = true; c.nextMember(first); first = false) {
            int name = c.name();
            if ((c.nameIs(name, "name") || c.nameIs(name, "arguments")) && c.peek() == '"') {
                c.string(text);
            } else {
                c.skipValue();
            }
        }
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
