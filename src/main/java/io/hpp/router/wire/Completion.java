package io.hpp.router.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * A non-streamed {@code chat.completion} on its way to the client: its {@code usage} to bill and its bytes with the
 * model renamed. An OpenAI-format answer is kept as the provider's bytes, walked once by a {@link JsonCursor} to find
 * its {@code model} value and its {@code usage} object (only the usage is read into a tree), so the relay renames the
 * model by copying bytes; any other answer is a tree. Reading and re-writing the whole answer as a tree was a third
 * of the JSON work per request at 1,000 req/s.
 */
public final class Completion {
    private final ObjectNode tree;
    private final byte[] json;
    private final int modelStart;
    private final int modelEnd;
    /** The scanned answer's usage, read when it was scanned (the one part of it read into a tree). */
    private final JsonNode usage;

    private Completion(ObjectNode tree, byte[] json, int modelStart, int modelEnd, JsonNode usage) {
        this.tree = tree;
        this.json = json;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.usage = usage;
    }

    /** An answer held as a tree (adapters that build it, and the answers the scan leaves to the general path). */
    public static Completion of(ObjectNode tree) {
        return new Completion(tree, null, -1, -1, null);
    }

    /**
     * The common OpenAI answer, scanned: one well-formed JSON object with one string {@code model} and one
     * {@code usage} object. Empty for anything else, which takes the general path (a tree).
     */
    public static Optional<Completion> scan(byte[] json) {
        try {
            JsonCursor c = new JsonCursor(json);
            int modelStart = -1;
            int modelEnd = -1;
            int usageStart = -1;
            int usageEnd = -1;
            c.expect('{');
            for (boolean first = true; c.nextMember(first); first = false) {
                int name = c.name();
                if (c.nameIs(name, "model")) {
                    if (modelStart >= 0 || c.peek() != '"') {
                        return Optional.empty();
                    }
                    modelStart = c.pos();
                    modelEnd = c.string(null);
                } else if (c.nameIs(name, "usage")) {
                    if (usageStart >= 0 || c.peek() != '{') {
                        return Optional.empty();
                    }
                    usageStart = c.pos();
                    c.skipValue();
                    usageEnd = c.pos();
                } else {
                    c.skipValue();
                }
            }
            if (!c.atEnd() || modelStart < 0 || usageStart < 0) {
                return Optional.empty();
            }
            // a usage the router cannot read (a number beyond every range) takes the general path, which refuses it
            JsonNode usage = Json.readTree(json, usageStart, usageEnd - usageStart);
            return Optional.of(new Completion(null, json, modelStart, modelEnd, usage));
        } catch (JsonCursor.Malformed | IOException e) {
            return Optional.empty();
        }
    }

    /** The answer's {@code usage} member, or null when it has none. */
    public JsonNode usage() {
        return tree != null ? tree.get("usage") : usage;
    }

    /** The answer as JSON text. */
    public String text() {
        return tree != null ? tree.toString() : new String(json, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The answer with {@code model} as its model: a scanned answer byte for byte as the provider sent it but for the
     * model's value.
     */
    public byte[] withModel(String model) {
        if (tree != null) {
            tree.put("model", model);
            return Json.bytes(tree);
        }
        byte[] quoted = Json.bytes(model);
        byte[] out = new byte[json.length - (modelEnd - modelStart) + quoted.length];
        System.arraycopy(json, 0, out, 0, modelStart);
        System.arraycopy(quoted, 0, out, modelStart, quoted.length);
        System.arraycopy(json, modelEnd, out, modelStart + quoted.length, json.length - modelEnd);
        return out;
    }
}
