package io.hpp.router.wire;

import java.nio.charset.StandardCharsets;

/**
 * A strict, allocation-free walk over one JSON text held in bytes (RFC 8259), for the scans of stream chunks and
 * completions that relay the provider's bytes: each value is either skipped or, for strings, optionally appended
 * decoded to a builder. Anything that is not well-formed JSON throws {@link Malformed}; so does what the scans choose
 * not to handle (escaped member names, nesting deeper than {@link #MAX_DEPTH}), which then take the general path.
 * Replaces a Jackson parser per stream event: creating one allocated a fifth of the relay's memory at 1,000 streams/s.
 */
final class JsonCursor {
    static final int MAX_DEPTH = 64;

    /** Not JSON, or not what the cursor reads. Carries no stack trace: the caller only falls back. */
    static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }

    private static final Malformed MALFORMED = new Malformed();

    private final byte[] b;
    private int pos;
    private int nameEnd;

    JsonCursor(byte[] json) {
        this.b = json;
    }

    int pos() {
        return pos;
    }

    boolean atEnd() {
        skipSpace();
        return pos == b.length;
    }

    /** Skips white space; the next byte, or -1 at the end. */
    int peek() {
        skipSpace();
        return pos < b.length ? b[pos] : -1;
    }

    void expect(char c) {
        if (peek() != c) {
            throw MALFORMED;
        }
        pos++;
    }

    /**
     * After an object's '{' or a member's value: true when a member follows (its name is next), false at the object's
     * end (consumed). {@code first} tells whether any member came before.
     */
    boolean nextMember(boolean first) {
        return next('}', first);
    }

    /** After an array's '[' or an element: true when an element follows, false at the array's end (consumed). */
    boolean nextElement(boolean first) {
        return next(']', first);
    }

    private boolean next(char close, boolean first) {
        if (peek() == close) {
            pos++;
            return false;
        }
        if (!first) {
            expect(',');
        }
        return true;
    }

    /**
     * Reads a member name and its colon; returns the index of the name's opening quote. The name's bytes lie between
     * that quote and {@link #nameEnd}; a name with an escape is not read (thrown as malformed).
     */
    int name() {
        if (peek() != '"') {
            throw MALFORMED;
        }
        int start = pos;
        int i = pos + 1;
        while (i < b.length && b[i] != '"') {
            int c = b[i] & 0xff;
            if (c == '\\' || c < 0x20) {
                throw MALFORMED;
            }
            i = c >= 0x80 ? utf8(i, c) : i + 1;
        }
        if (i >= b.length) {
            throw MALFORMED;
        }
        nameEnd = i;
        pos = i + 1;
        expect(':');
        return start;
    }

    /** Whether the member name last read (opening quote at {@code start}) is {@code name} (ASCII). */
    boolean nameIs(int start, String name) {
        int len = nameEnd - start - 1;
        if (len != name.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (b[start + 1 + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a string value, appending its decoded text to {@code text} when not null; returns the index after its
     * closing quote.
     */
    int string(StringBuilder text) {
        if (peek() != '"') {
            throw MALFORMED;
        }
        int i = pos + 1;
        int run = i;
        while (true) {
            if (i >= b.length) {
                throw MALFORMED;
            }
            int c = b[i] & 0xff;
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                throw MALFORMED;
            }
            if (c >= 0x80) {
                i = utf8(i, c);
                continue;
            }
            if (c != '\\') {
                i++;
                continue;
            }
            if (text != null && i > run) {
                text.append(new String(b, run, i - run, StandardCharsets.UTF_8));
            }
            if (i + 1 >= b.length) {
                throw MALFORMED;
            }
            char decoded = switch (b[i + 1]) {
                case '"' -> '"';
                case '\\' -> '\\';
                case '/' -> '/';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> hex4(i + 2);
                default -> throw MALFORMED;
            };
            if (text != null) {
                text.append(decoded);
            }
            i += b[i + 1] == 'u' ? 6 : 2;
            run = i;
        }
        if (text != null && i > run) {
            text.append(new String(b, run, i - run, StandardCharsets.UTF_8));
        }
        pos = i + 1;
        return pos;
    }

    /** Checks the UTF-8 sequence whose lead byte {@code lead} is at {@code i}; returns the index after it. */
    private int utf8(int i, int lead) {
        int n = lead >= 0xC2 && lead <= 0xDF ? 1
                : lead >= 0xE0 && lead <= 0xEF ? 2
                : lead >= 0xF0 && lead <= 0xF4 ? 3
                : -1;
        if (n < 0 || i + n >= b.length) {
            throw MALFORMED;
        }
        for (int k = 1; k <= n; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                throw MALFORMED;
            }
        }
        int second = b[i + 1] & 0xff;
        if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)
                || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
            throw MALFORMED; // overlong, a surrogate, or beyond U+10FFFF
        }
        return i + n + 1;
    }

    private char hex4(int at) {
        if (at + 4 > b.length) {
            throw MALFORMED;
        }
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                throw MALFORMED;
            }
            v = v << 4 | d;
        }
        return (char) v;
    }

    /** Whether the next value is the literal {@code null} (consumed when it is). */
    boolean nullValue() {
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    /** Skips one value of any kind, checking that it is well-formed. */
    void skipValue() {
        skipValue(0);
    }

    private void skipValue(int depth) {
        int c = peek();
        switch (c) {
            case '{' -> {
                nest(depth);
                pos++;
                for (boolean first = true; nextMember(first); first = false) {
                    name();
                    skipValue(depth + 1);
                }
            }
            case '[' -> {
                nest(depth);
                pos++;
                for (boolean first = true; nextElement(first); first = false) {
                    skipValue(depth + 1);
                }
            }
            case '"' -> string(null);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private static void nest(int depth) {
        if (depth >= MAX_DEPTH) {
            throw MALFORMED;
        }
    }

    private void literal(String word) {
        if (pos + word.length() > b.length) {
            throw MALFORMED;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[pos + k] != word.charAt(k)) {
                throw MALFORMED;
            }
        }
        pos += word.length();
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void number() {
        if (pos < b.length && b[pos] == '-') {
            pos++;
        }
        if (pos < b.length && b[pos] == '0') {
            pos++;
        } else if (digits() == 0) {
            throw MALFORMED;
        }
        if (pos < b.length && b[pos] == '.') {
            pos++;
            if (digits() == 0) {
                throw MALFORMED;
            }
        }
        if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw MALFORMED;
            }
        }
    }

    private int digits() {
        int start = pos;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        return pos - start;
    }

    private void skipSpace() {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
            pos++;
        }
    }
}
