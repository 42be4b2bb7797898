package io.hpp.router.dialect.messages;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.wire.ChatBody;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The walk of a Messages body ({@link ChatBody#parse}'s reader, so within the same element limits) that notes where its
 * parts lie in the client's bytes, for {@link MessagesSplice} to make the chat body of them: each top-level member's
 * value, and each message with its shape. A message of role user or assistant whose content is one string, or text
 * blocks the chat message can hold as they are, becomes a chat message made of the client's bytes; any other message
 * is read as a tree of its own and translated as {@link MessagesToChat#translate} does. Nothing is judged here (the
 * whole body is walked first, so that JSON not well formed anywhere is the error): only noted. A body the splice cannot
 * follow exactly — a top-level name given twice, {@code messages} not an array of objects — is not {@link #usual}: the
 * tree translation takes it.
 */
final class MessagesWalk implements ChatBody.MemberReader {
    /** How a message becomes chat. */
    enum Shape {
        /** {@code {"role": "user"|"assistant", "content": "…"}}, nothing else: its bytes are already a chat message. */
        PLAIN,
        /** Role user or assistant and text blocks alone: the chat message holds the blocks' text strings as they are. */
        TEXT,
        /** Anything else: read as a tree and translated. */
        TREE
    }

    /**
     * One message: its bytes [start, end), its shape, its role (PLAIN, TEXT) and the bytes of its text strings (TEXT:
     * start, end of each, quotes included).
     */
    record Message(int start, int end, Shape shape, String role, int[] texts) {
    }

    /**
     * One top-level member other than {@code messages}: its name, its value's bytes, and its value when the walk read
     * it as Jackson's tree would (a string, a small integer, true, false, null), else null: read from the bytes later.
     */
    private record Member(String name, int start, int end, JsonNode value) {
    }

    private final byte[] raw;
    /** Longest string Jackson reads into a tree: a message longer than that in bytes is read as a tree, which refuses it. */
    private final int maxString = Json.MAPPER.getFactory().streamReadConstraints().getMaxStringLength();
    private final Set<String> names = new HashSet<>();
    private final List<Member> members = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private boolean usual = true;
    private boolean messagesSeen;

    MessagesWalk(byte[] raw) {
        this.raw = raw;
    }

    @Override
    public void read(String name, JsonParser p) throws IOException {
        usual &= names.add(name);
        JsonToken t = p.currentToken();
        if (name.equals("messages")) {
            messagesSeen = true;
            if (t == JsonToken.START_ARRAY) {
                messages(p);
            } else {
                usual = false;
                p.skipChildren();
            }
            return;
        }
        int start = offset(p.currentTokenLocation().getByteOffset());
        int end;
        JsonNode value = null;
        JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
        if (t.isStructStart()) {
            p.skipChildren();
            end = offset(p.currentLocation().getByteOffset());
        } else if (t == JsonToken.VALUE_STRING) {
            value = nodes.textNode(p.getText()); // ChatBody reads it after each member anyway, to find its end
            end = offset(p.currentLocation().getByteOffset());
        } else {
            end = start + p.getTextLength(); // a number (its text as written), true, false or null
            if (t == JsonToken.VALUE_NUMBER_INT && p.getTextLength() <= 18) {
                // a long holds it, so nothing can fail that the tree would refuse: an int or a long as the tree has it
                value = p.getNumberType() == JsonParser.NumberType.INT ? nodes.numberNode(p.getIntValue()) : nodes.numberNode(p.getLongValue());
            } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
                value = t == JsonToken.VALUE_NULL ? nodes.nullNode() : nodes.booleanNode(t == JsonToken.VALUE_TRUE);
            }
        }
        members.add(new Member(name, start, end, value));
    }

    /** Whether the splice can make this body's chat request: else the tree translation does. */
    boolean usual() {
        return usual && messagesSeen;
    }

    List<Message> messages() {
        return messages;
    }

    /** The top-level members but {@code messages}, as trees, in the client's order. */
    ObjectNode members() {
        ObjectNode top = Json.object();
        for (Member m : members) {
            top.set(m.name(), m.value() != null ? m.value() : tree(m.start(), m.end()));
        }
        return top;
    }

    /** The client's bytes of the top-level member {@code name}'s value ([start, end)), if it has one. */
    Optional<int[]> span(String name) {
        for (Member m : members) {
            if (m.name().equals(name)) {
                return Optional.of(new int[] {m.start(), m.end()});
            }
        }
        return Optional.empty();
    }

    /** The JSON in bytes [start, end) as a tree; what Jackson cannot read is refused as the whole body's tree would be. */
    JsonNode tree(int start, int end) {
        try {
            return Json.readTree(raw, start, end - start);
        } catch (IOException e) {
            throw ApiException.invalidRequest("Request body is not valid JSON");
        }
    }

    private void messages(JsonParser p) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                usual = false;
                p.skipChildren();
                continue;
            }
            messages.add(message(p, offset(p.currentTokenLocation().getByteOffset())));
        }
    }

    /** The message {@code p} is at (left at its end), which starts at byte {@code start}. */
    private Message message(JsonParser p, int start) throws IOException {
        String role = null;
        int roles = 0;
        int contents = 0;
        int others = 0;
        JsonToken content = null;
        int[] texts = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "role" -> {
                    roles++;
                    role = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                case "content" -> {
                    contents++;
                    content = v;
                    texts = v == JsonToken.START_ARRAY ? textBlocks(p) : null;
                }
                default -> others++;
            }
            p.skipChildren(); // a value not read (or read to its end: then a no-op)
        }
        int end = offset(p.currentLocation().getByteOffset());
        boolean plain = roles == 1 && contents == 1 && others == 0 && ("user".equals(role) || "assistant".equals(role))
                && end - start <= maxString;
        Shape shape = !plain ? Shape.TREE
                : content == JsonToken.VALUE_STRING ? Shape.PLAIN
                // several text blocks of an assistant are joined into one text: not the client's bytes
                : texts != null && (texts.length == 2 || texts.length > 2 && role.equals("user")) ? Shape.TEXT
                : Shape.TREE;
        return new Message(start, end, shape, role, texts);
    }

    /**
     * The content array {@code p} is at (left at its end): the bytes of each block's text, if every block is
     * {@code {"type": "text", "text": "…"}} with other members (cache_control, citations: dropped by the translation)
     * that hold no number (which a tree might refuse, so that the tree must judge); else null.
     */
    private int[] textBlocks(JsonParser p) throws IOException {
        int[] spans = new int[4];
        int n = 0;
        boolean ok = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!ok || p.currentToken() != JsonToken.START_OBJECT) {
                ok = false;
                p.skipChildren();
                continue;
            }
            int types = 0;
            int textCount = 0;
            boolean isText = false;
            int textStart = -1;
            int textEnd = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (textStart >= 0 && textEnd < 0) {
                    textEnd = stringEnd(offset(p.currentTokenLocation().getByteOffset()));
                }
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> {
                        types++;
                        isText = v == JsonToken.VALUE_STRING && p.getText().equals("text");
                    }
                    case "text" -> {
                        textCount++;
                        textStart = v == JsonToken.VALUE_STRING ? offset(p.currentTokenLocation().getByteOffset()) : -1;
                        textEnd = -1;
                    }
                    default -> ok &= skipWithoutNumbers(p);
                }
                p.skipChildren(); // a type or text that is an object or array
            }
            if (textStart >= 0 && textEnd < 0) {
                textEnd = stringEnd(offset(p.currentLocation().getByteOffset()) - 1); // the block's closing brace
            }
            ok &= types == 1 && isText && textCount == 1 && textStart >= 0 && textEnd > textStart + 1 && raw[textStart] == '"';
            if (ok) {
                if (n == spans.length) {
                    spans = Arrays.copyOf(spans, 2 * n);
                }
                spans[n++] = textStart;
                spans[n++] = textEnd;
            }
        }
        return ok ? Arrays.copyOf(spans, n) : null;
    }

    /**
     * The end of the string that precedes the token at byte {@code next} in an object (a member name or the closing
     * brace): back over white space, a comma, white space, to just past the string's closing quote; -1 if that is not
     * where the bytes say it is.
     */
    private int stringEnd(int next) {
        int k = blankBefore(next);
        if (k > 0 && raw[k - 1] == ',') {
            k = blankBefore(k - 1);
        }
        return k > 0 && raw[k - 1] == '"' ? k : -1;
    }

    private int blankBefore(int k) {
        while (k > 0 && (raw[k - 1] == ' ' || raw[k - 1] == '\n' || raw[k - 1] == '\r' || raw[k - 1] == '\t')) {
            k--;
        }
        return k;
    }

    /** Past the value {@code p} is at; whether it held no number. */
    private static boolean skipWithoutNumbers(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t.isNumeric()) {
            return false;
        }
        if (!t.isStructStart()) {
            return true;
        }
        boolean none = true;
        for (int depth = 1; depth > 0; ) {
            JsonToken next = p.nextToken();
            if (next.isStructStart()) {
                depth++;
            } else if (next.isStructEnd()) {
                depth--;
            } else if (next.isNumeric()) {
                none = false;
            }
        }
        return none;
    }

    private static int offset(long at) {
        return (int) at;
    }
}
