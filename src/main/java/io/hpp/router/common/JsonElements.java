package io.hpp.router.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * How much JSON a client's text may hold for its size: a base number of elements (values, member names, brackets) plus
 * one per {@value #BYTES_PER_ELEMENT} bytes; more is a 413 {@code payload_too_large}, raised while the text is read,
 * before a tree of it exists.
 * <p>
 * The body budget counts a request's bytes, but a tree costs up to 70 bytes an element (a short string, an object of
 * one member; measured at 4 MB): {@code [{},{},…]} made a tree 31 times its size, {@code [[[…]]]} 52 times, and one
 * 17 MiB body ran the 320 MiB heap out. Within this bound a tree is at most 70 / 32 = 2.2 bytes a body byte beyond
 * its strings (at most 2 bytes a byte, as UTF-16), plus 70 bytes an element of the base, so the bodies the budget
 * holds at once (a tenth of the heap) make trees of at most half of it. A chat request's tree lives only while the
 * request is routed or translated, not while it waits for its provider ({@code ChatBody#tree}).
 * <p>
 * Real requests are inside the bound ({@code RealRequestShapesTest}): a conversation has one element per 230-400
 * bytes, tool schemas, image links and agent turns of tool calls with short results one per 10-13 bytes, which the
 * chat base of {@value #CHAT_BASE} covers up to ~2 MB of (the 128 tools OpenAI allows, with 1.5 KB schemas each, use
 * 27% of their bound). Other request bodies (images, admin) hold tens of elements; their base is {@value #BASE}.
 */
public final class JsonElements {
    static final long BASE = 1_024;
    static final long CHAT_BASE = 65_536;
    static final int BYTES_PER_ELEMENT = 32;

    private final String what;
    private long limit;
    private long read;

    private JsonElements(String what, long limit) {
        this.what = what;
        this.limit = limit;
    }

    /** The allowance of a request body of {@code bytes} (images, admin). */
    public static JsonElements ofBody(long bytes) {
        return new JsonElements("Request body", BASE).allow(bytes);
    }

    /** The allowance of a chat request's body of {@code bytes}. */
    public static JsonElements ofChat(long bytes) {
        return new JsonElements("Request body", chatLimit(bytes));
    }

    /** How many elements a chat request's body of {@code bytes} may hold. */
    public static long chatLimit(long bytes) {
        return CHAT_BASE + bytes / BYTES_PER_ELEMENT;
    }

    /**
     * An allowance of chat texts read one by one, {@code what} (plural) in the message, each {@link #allow allowed} as
     * it is read: an allowance per text would give each the base.
     */
    public static JsonElements ofChatTexts(String what) {
        return new JsonElements(what, CHAT_BASE);
    }

    /** Allows the elements of {@code bytes} more text. */
    public JsonElements allow(long bytes) {
        limit += bytes / BYTES_PER_ELEMENT;
        return this;
    }

    /** {@code p}, counting every token it reads against this allowance. */
    public JsonParser count(JsonParser p) {
        return new Counting(p);
    }

    private void take() {
        if (++read > limit) {
            throw new ApiException(413, "payload_too_large", what + " holds more JSON elements (values, member names, brackets)"
                    + " than its size allows: at most " + limit + ", one per " + BYTES_PER_ELEMENT + " bytes beyond the first few");
        }
    }

    /**
     * Counts each token; {@code skipChildren} reads the skipped tokens through {@link #nextToken} (the delegate's own
     * skip would not count them), and {@code nextFieldName}, {@code nextTextValue}, … come here through
     * {@link JsonParser}'s defaults.
     */
    private final class Counting extends JsonParserDelegate {
        Counting(JsonParser p) {
            super(p);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = delegate.nextToken();
            if (t != null) {
                take();
            }
            return t;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken t = nextToken();
            return t == JsonToken.FIELD_NAME ? nextToken() : t;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken t = currentToken();
            if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
                return this;
            }
            int open = 1;
            while (open > 0) {
                JsonToken next = nextToken();
                if (next == null) {
                    return this;
                }
                if (next.isStructStart()) {
                    open++;
                } else if (next.isStructEnd()) {
                    open--;
                }
            }
            return this;
        }
    }
}
