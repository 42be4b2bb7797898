package io.hpp.router.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.common.JsonElements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;

/**
 * A chat request's body on its way to a provider: the bytes the client sent, and the tree the pipeline reads, made
 * from them only when something asks for it (the smart router, a translating provider, a tokenizer estimate), and not
 * kept: the checks of a request walk its tokens without building one (a 20-turn conversation, ~31 KB: 24 µs to a
 * tree), and a request holds only the bytes while its provider answers. An upstream body in the client's own format is made by copying the
 * client's bytes of every top-level member the gateway leaves alone — the messages, most of a request — and writing
 * only the members it sets; writing the conversation again from its tree took 25 µs, copying it takes a memory copy.
 * Where the bytes cannot be used (a body made by the gateway, a member name given twice) the whole body is written
 * from the tree: the same JSON.
 */
public final class ChatBody {
    /** Reads one top-level member's value as the body is walked. */
    @FunctionalInterface
    public interface MemberReader {
        /**
         * {@code p} is at the first token of the member's value; the reader must leave it at the value's last token
         * ({@link JsonParser#skipChildren()} does, for a value it does not read). It must not throw for a value it
         * does not like: the whole body is walked first, so that JSON that is not well formed anywhere is the error.
         */
        void read(String name, JsonParser p) throws IOException;
    }

    private static final byte[] OPEN = {'{'};
    private static final byte[] COMMA = {','};
    private static final byte[] CLOSE = {'}'};

    /** The client's bytes, or null: a body that exists only as a tree. */
    private final byte[] raw;
    /** Top-level member names, in the client's order. */
    private final String[] names;
    /** Member i's bytes: name from bounds[3i], value from bounds[3i + 1], to bounds[3i + 2]. */
    private final int[] bounds;
    /** Whether each member's bytes can be copied: no name given twice, the spans where they should be. */
    private final boolean copyable;
    /** Top-level members set by the gateway since the body was parsed; a null value: a member left out. */
    private final Map<String, JsonNode> overrides;
    /** The body, when it exists only as a tree; else null (a tree of the bytes is made at each call of {@link #tree}). */
    private final ObjectNode tree;

    private ChatBody(byte[] raw, String[] names, int[] bounds, boolean copyable, Map<String, JsonNode> overrides, ObjectNode tree) {
        this.raw = raw;
        this.names = names;
        this.bounds = bounds;
        this.copyable = copyable;
        this.overrides = overrides;
        this.tree = tree;
    }

    /** A body that exists only as a tree. */
    public static ChatBody of(ObjectNode tree) {
        return new ChatBody(null, null, null, false, Map.of(), tree);
    }

    /**
     * The client's request body, which must be one JSON object (else a 400 {@code invalid_request}, as
     * {@link Json#requestObject}): its tokens are walked once, each top-level member's value passed to {@code reader}
     * and its place in the bytes noted. No tree is built; a body with more JSON than its size allows is a 413 as soon as
     * the walk has read too much of it ({@link JsonElements}), so no tree of it is ever made either.
     */
    public static ChatBody parse(byte[] raw, MemberReader reader) {
        return parse(raw, raw.length, reader);
    }

    /** As {@link #parse(byte[], MemberReader)}, within the element limits of a body of {@code limitBytes}. */
    static ChatBody parse(byte[] raw, int limitBytes, MemberReader reader) {
        try (JsonParser p = Json.requestParser(raw, JsonElements.ofChat(limitBytes))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                // not an object: the whole text decides which error it is
                Json.requestObject(raw);
                throw ApiException.invalidRequest("Request body must be a JSON object");
            }
            String[] names = new String[8];
            int[] bounds = new int[24];
            int n = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                long start = p.currentTokenLocation().getByteOffset();
                String name = p.currentName();
                p.nextToken();
                long valueStart = p.currentTokenLocation().getByteOffset();
                reader.read(name, p);
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    p.finishToken(); // a string not read is left unscanned: scan it, so the location is past its end
                }
                if (n == names.length) {
                    names = Arrays.copyOf(names, n * 2);
                    bounds = Arrays.copyOf(bounds, n * 6);
                }
                names[n] = name;
                bounds[3 * n] = (int) start;
                bounds[3 * n + 1] = (int) valueStart;
                bounds[3 * n + 2] = (int) p.currentLocation().getByteOffset();
                n++;
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw ApiException.invalidRequest("Request body is not valid JSON");
            }
            return ofSpans(raw, Arrays.copyOf(names, n), Arrays.copyOf(bounds, 3 * n));
        } catch (IOException e) {
            throw ApiException.invalidRequest("Request body is not valid JSON");
        }
    }

    /**
     * The body {@code raw}, one JSON object, whose top-level members are {@code names} with their bytes at
     * {@code bounds} (as the fields say): known to whoever wrote it, so that it need not be walked again
     * ({@link ChatRequest#parseSpliced}). Spans that do not look right leave it written from its tree, as a parsed body.
     */
    static ChatBody ofSpans(byte[] raw, String[] names, int[] bounds) {
        int n = names.length;
        // a name given twice: the tree keeps the last value, so the body is written from it
        boolean copyable = bounds.length == 3 * n && new HashSet<>(Arrays.asList(names)).size() == n && spansLookRight(raw, bounds, n);
        return new ChatBody(raw, names, bounds, copyable, Map.of(), null);
    }

    /** Each span starts at a name's quote and ends where the next member or the object's end follows. */
    private static boolean spansLookRight(byte[] raw, int[] bounds, int n) {
        for (int i = 0; i < n; i++) {
            int start = bounds[3 * i];
            int end = bounds[3 * i + 2];
            if (start < 0 || bounds[3 * i + 1] <= start || end <= bounds[3 * i + 1] || end > raw.length || raw[start] != '"') {
                return false;
            }
            int k = end;
            while (k < raw.length && (raw[k] == ' ' || raw[k] == '\t' || raw[k] == '\n' || raw[k] == '\r')) {
                k++;
            }
            if (k == raw.length || raw[k] != (i == n - 1 ? '}' : ',')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The body as a tree, with the members the gateway set. Made from the bytes at each call and not kept: a tree costs
     * up to several times the body, and a request waits for its provider for seconds, so a caller holds it only while
     * it reads it. Not to be changed: use {@link #with}.
     */
    public ObjectNode tree() {
        if (raw == null) {
            return tree;
        }
        ObjectNode t = Json.requestObject(raw, JsonElements.ofChat(raw.length));
        overrides.forEach((name, value) -> {
            if (value == null) {
                t.remove(name); // a member the gateway took out (see without)
            } else {
                t.set(name, value);
            }
        });
        return t;
    }

    /** One top-level member's value (the last, if its name is given twice), or null; read alone, without the tree. */
    public JsonNode value(String name) {
        if (overrides.containsKey(name)) {
            return overrides.get(name);
        }
        if (raw == null) {
            return tree.get(name);
        }
        for (int i = names.length - 1; i >= 0; i--) {
            if (names[i].equals(name)) {
                try {
                    return Json.readTree(raw, bounds[3 * i + 1], bounds[3 * i + 2] - bounds[3 * i + 1]);
                } catch (IOException e) {
                    // the walk skipped strings and numbers unread: one longer than Jackson reads fails only here
                    throw ApiException.invalidRequest("Request body holds a string or number longer than the router reads");
                }
            }
        }
        return null;
    }

    /**
     * A hash of the conversation's opening (its messages up to the first user message, see {@link Opening}): the same
     * for every turn of one conversation. The client's bytes are walked only that far; no tree is made of them.
     */
    public long openingHash() {
        if (raw == null || overrides.containsKey("messages")) {
            return Opening.hash(value("messages"));
        }
        for (int i = names.length - 1; i >= 0; i--) {
            if (names[i].equals("messages")) {
                return Opening.hash(raw, bounds[3 * i + 1], bounds[3 * i + 2]);
            }
        }
        return 0;
    }

    /** The same body with the top-level member {@code field} set to {@code value}. */
    public ChatBody with(String field, long value) {
        return override(field, Json.MAPPER.getNodeFactory().numberNode(value));
    }

    /** The same body with the top-level member {@code field} set to {@code value}. */
    public ChatBody with(String field, boolean value) {
        return override(field, Json.MAPPER.getNodeFactory().booleanNode(value));
    }

    /** The same body without the top-level member {@code field}. */
    public ChatBody without(String field) {
        return override(field, null);
    }

    private ChatBody override(String field, JsonNode value) {
        Map<String, JsonNode> now = new java.util.LinkedHashMap<>(overrides);
        now.put(field, value);
        ObjectNode t = null;
        if (tree != null) {
            t = Json.shallowCopy(tree);
            if (value == null) {
                t.remove(field);
            } else {
                t.set(field, value);
            }
        }
        return new ChatBody(raw, names, bounds, copyable, java.util.Collections.unmodifiableMap(now), t);
    }

    /**
     * The body as JSON in UTF-8 with the members of {@code set} — name to the member's bytes ({@link #member}), or to
     * null to leave it out — first, then the body's other members: the client's bytes where there are any, else
     * written from the tree. The body itself is not changed.
     */
    public BodyParts bytesWith(Map<String, byte[]> set) {
        java.util.List<byte[]> written = new java.util.ArrayList<>(set.size() + 2);
        for (byte[] m : set.values()) {
            if (m != null) {
                written.add(m);
            }
        }
        if (raw == null || !copyable) {
            ObjectNode rest = Json.shallowCopy(tree());
            rest.remove(set.keySet());
            BodyParts out = join(written, null);
            if (!rest.isEmpty()) {
                byte[] all = Json.bytes(rest);
                comma(out).add(all, 1, all.length - 2); // its members, without the braces
            }
            return out.add(CLOSE);
        }
        overrides.forEach((name, value) -> {
            if (value != null && !set.containsKey(name)) {
                written.add(member(name, value));
            }
        });
        return join(written, set).add(CLOSE);
    }

    /**
     * '{', the members written, the client's members not in {@code set} (none when null), with commas between; the
     * caller adds the rest and '}'. The client's members are ranges of its bytes, not copies.
     */
    private BodyParts join(java.util.List<byte[]> written, Map<String, byte[]> set) {
        BodyParts out = new BodyParts(2 * (written.size() + (set == null ? 0 : names.length)) + 4);
        out.add(OPEN);
        for (byte[] w : written) {
            comma(out).add(w);
        }
        if (set != null) {
            for (int i = 0; i < names.length; i++) {
                if (copied(i, set)) {
                    comma(out).add(raw, bounds[3 * i], bounds[3 * i + 2] - bounds[3 * i]);
                }
            }
        }
        return out;
    }

    private boolean copied(int i, Map<String, byte[]> set) {
        return !set.containsKey(names[i]) && !overrides.containsKey(names[i]);
    }

    /** A comma, unless only the opening brace is there yet. */
    private static BodyParts comma(BodyParts out) {
        return out.length() > 1 ? out.add(COMMA) : out;
    }

    /** One member as JSON in UTF-8: {@code "name":value}. */
    public static byte[] member(String name, JsonNode value) {
        byte[] v = Json.bytes(value);
        byte[] n = plain(name) ? ('"' + name + '"').getBytes(StandardCharsets.US_ASCII) : Json.bytes(name);
        byte[] m = new byte[n.length + 1 + v.length];
        System.arraycopy(n, 0, m, 0, n.length);
        m[n.length] = ':';
        System.arraycopy(v, 0, m, n.length + 1, v.length);
        return m;
    }

    /** Printable ASCII with nothing to escape: the name quoted is the name's JSON. */
    private static boolean plain(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return raw != null ? new String(raw, StandardCharsets.UTF_8) : tree().toString();
    }
}
