package io.hpp.router.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.ApiException;
import io.hpp.router.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A chat request's body on its way to a provider: the tree the pipeline reads, and the bytes the client sent. An
 * upstream body in the client's own format is made by copying the client's bytes of every top-level member the
 * gateway leaves alone — the messages, most of a request — and writing only the members it sets; writing a 20-turn
 * conversation (~31 KB) again from its tree took 25 µs, copying it takes a memory copy. Where the bytes cannot be used
 * (a body made by the gateway, a member name given twice) the whole body is written from the tree: the same JSON.
 */
public final class ChatBody {
    private final ObjectNode tree;
    /** The client's bytes, or null: write everything from the tree. */
    private final byte[] raw;
    /** Top-level member names, in the client's order. */
    private final String[] names;
    /** Member i's bytes, name to value: raw[bounds[2i]] to raw[bounds[2i + 1]]. */
    private final int[] bounds;
    /** Members set on the tree since it was parsed: written from the tree, not copied. */
    private final Set<String> changed;

    private ChatBody(ObjectNode tree, byte[] raw, String[] names, int[] bounds, Set<String> changed) {
        this.tree = tree;
        this.raw = raw;
        this.names = names;
        this.bounds = bounds;
        this.changed = changed;
    }

    /** A body that exists only as a tree. */
    public static ChatBody of(ObjectNode tree) {
        return new ChatBody(tree, null, null, null, Set.of());
    }

    /**
     * The client's request body, which must be one JSON object (else a 400 {@code invalid_request}, as
     * {@link Json#requestObject}); the tree is read member by member, noting where each member lies in the bytes.
     */
    public static ChatBody parse(byte[] raw) {
        try (JsonParser p = Json.MAPPER.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                // not an object: the whole text decides which error it is
                Json.requestObject(raw);
                throw ApiException.invalidRequest("Request body must be a JSON object");
            }
            ObjectNode tree = Json.object();
            String[] names = new String[8];
            int[] bounds = new int[16];
            int n = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                long start = p.currentTokenLocation().getByteOffset();
                String name = p.currentName();
                p.nextToken();
                JsonNode value = Json.MAPPER.readTree(p);
                tree.set(name, value == null ? NullNode.getInstance() : value);
                if (n == names.length) {
                    names = java.util.Arrays.copyOf(names, n * 2);
                    bounds = java.util.Arrays.copyOf(bounds, n * 4);
                }
                names[n] = name;
                bounds[2 * n] = (int) start;
                bounds[2 * n + 1] = (int) p.currentLocation().getByteOffset();
                n++;
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw ApiException.invalidRequest("Request body is not valid JSON");
            }
            boolean usable = tree.size() == n && spansLookRight(raw, bounds, n); // a name given twice: the tree keeps the last
            return usable ? new ChatBody(tree, raw, java.util.Arrays.copyOf(names, n), java.util.Arrays.copyOf(bounds, 2 * n), Set.of())
                    : of(tree);
        } catch (IOException e) {
            throw ApiException.invalidRequest("Request body is not valid JSON");
        }
    }

    /** Each span starts at a name's quote and ends where the next member or the object's end follows. */
    private static boolean spansLookRight(byte[] raw, int[] bounds, int n) {
        for (int i = 0; i < n; i++) {
            int start = bounds[2 * i];
            int end = bounds[2 * i + 1];
            if (start < 0 || end <= start || end > raw.length || raw[start] != '"') {
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

    /** The body as the pipeline reads it. Not to be changed: use {@link #with}. */
    public ObjectNode tree() {
        return tree;
    }

    /** The same body with the top-level member {@code field} set to {@code value}, on a copy of the tree's top level. */
    public ChatBody with(String field, long value) {
        ObjectNode copy = Json.shallowCopy(tree);
        copy.put(field, value);
        Set<String> now = new HashSet<>(changed);
        now.add(field);
        return new ChatBody(copy, raw, names, bounds, Set.copyOf(now));
    }

    /**
     * The body as JSON in UTF-8 with the members of {@code set} — name to the member's bytes ({@link #member}), or to
     * null to leave it out — first, then the body's other members: the client's bytes where there are any, else
     * written from the tree. The body itself is not changed.
     */
    public byte[] bytesWith(Map<String, byte[]> set) {
        java.util.List<byte[]> written = new java.util.ArrayList<>(set.size() + 2);
        for (byte[] m : set.values()) {
            if (m != null) {
                written.add(m);
            }
        }
        if (raw == null) {
            ObjectNode rest = Json.shallowCopy(tree);
            rest.remove(set.keySet());
            if (!rest.isEmpty()) {
                byte[] all = Json.bytes(rest);
                written.add(java.util.Arrays.copyOfRange(all, 1, all.length - 1)); // its members, without the braces
            }
            return join(written, null);
        }
        for (String name : changed) {
            JsonNode value = tree.get(name);
            if (!set.containsKey(name) && value != null) {
                written.add(member(name, value));
            }
        }
        return join(written, set);
    }

    /** '{', the members written, the client's members not in {@code set} (none when null), '}', with commas between. */
    private byte[] join(java.util.List<byte[]> written, Map<String, byte[]> set) {
        int size = 2;
        int parts = written.size();
        for (byte[] w : written) {
            size += w.length;
        }
        if (set != null) {
            for (int i = 0; i < names.length; i++) {
                if (copied(i, set)) {
                    size += bounds[2 * i + 1] - bounds[2 * i];
                    parts++;
                }
            }
        }
        size += Math.max(0, parts - 1);
        byte[] out = new byte[size];
        int at = 0;
        out[at++] = '{';
        for (byte[] w : written) {
            at = comma(out, at);
            System.arraycopy(w, 0, out, at, w.length);
            at += w.length;
        }
        if (set != null) {
            for (int i = 0; i < names.length; i++) {
                if (copied(i, set)) {
                    at = comma(out, at);
                    int len = bounds[2 * i + 1] - bounds[2 * i];
                    System.arraycopy(raw, bounds[2 * i], out, at, len);
                    at += len;
                }
            }
        }
        out[at] = '}';
        return out;
    }

    private boolean copied(int i, Map<String, byte[]> set) {
        return !set.containsKey(names[i]) && !changed.contains(names[i]);
    }

    private static int comma(byte[] out, int at) {
        if (at > 1) {
            out[at++] = ',';
        }
        return at;
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
        return raw != null ? new String(raw, StandardCharsets.UTF_8) : tree.toString();
    }
}
