package io.hpp.router.dialect.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.wire.BodyParts;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Messages body walked ({@link MessagesWalk}) → the chat request, without a tree of the whole body: the chat body is
 * made of the client's bytes of each message that is already a chat message (a string content) or holds its text as
 * chat would (text blocks), written only for the other messages, each translated from a tree of its own, and for the
 * small top-level members; then checked as every chat request is, on its skeleton (the copied texts blank: {@link
 * #request}). The same request and the same dropped list as {@link MessagesToChat#translate} of the whole tree
 * (MessagesParseProperties), in the same order of refusals: the JSON, the model, the cap, each message in turn, the
 * tools, then the chat checks. For a 20-turn conversation (~28 KB, MessagesBench) the request took 78 µs by the tree,
 * 24 µs with the chat body walked again by the checks (text blocks: 84 → 29 µs), against 10 µs for a chat client's;
 * the checks on the skeleton leave one walk of the bytes (the client's body, checked as JSON within the element limits
 * and kept for the Anthropic relay) and a ~2 µs copy.
 */
final class MessagesSplice {
    private static final byte[] OPEN_MODEL = ascii("{\"model\":");
    private static final byte[] MESSAGES = ascii(",\"messages\":[");
    private static final byte[] USER = ascii("{\"role\":\"user\",\"content\":");
    private static final byte[] ASSISTANT = ascii("{\"role\":\"assistant\",\"content\":");
    private static final byte[] USER_PARTS = ascii("{\"role\":\"user\",\"content\":[");
    private static final byte[] TEXT_PART = ascii("{\"type\":\"text\",\"text\":");
    private static final byte[] CLOSE = ascii("}");
    private static final byte[] CLOSE_PARTS = ascii("]}");
    private static final byte[] COMMA = ascii(",");
    /** A copied text in the skeleton the checks walk: a string, as the text is (see {@link #request}). */
    private static final byte[] BLANK = ascii("\"\"");

    private MessagesSplice() {
    }

    static MessagesToChat.Parsed parse(byte[] raw, ChatBody body, MessagesWalk walk, boolean counting) {
        // every tree first: JSON the trees cannot read is the first refusal, as when the whole body is one tree
        ObjectNode top = walk.members();
        List<MessagesWalk.Message> messages = walk.messages();
        JsonNode[] trees = new JsonNode[messages.size()];
        for (int i = 0; i < trees.length; i++) {
            MessagesWalk.Message m = messages.get(i);
            if (m.shape() == MessagesWalk.Shape.TREE) {
                trees[i] = walk.tree(m.start(), m.end());
            }
        }
        MessagesToChat.checkModelAndCap(top, counting);
        Set<String> dropped = new LinkedHashSet<>();
        List<String> system = MessagesToChat.system(top, dropped);
        BodyParts turns = new BodyParts(3 * trees.length + 1);
        BodyParts blanks = new BodyParts(3 * trees.length + 1); // the same turns, their copied texts blank
        for (int i = 0; i < trees.length; i++) {
            MessagesWalk.Message m = messages.get(i);
            switch (m.shape()) {
                case PLAIN -> {
                    comma(turns).add(raw, m.start(), m.end() - m.start());
                    comma(blanks).add(m.role().equals("user") ? USER : ASSISTANT).add(BLANK).add(CLOSE);
                }
                case TEXT -> {
                    text(raw, m, comma(turns), false);
                    text(raw, m, comma(blanks), true);
                }
                case TREE -> {
                    ArrayNode made = Json.MAPPER.createArrayNode();
                    MessagesToChat.turn(trees[i], system, made, dropped);
                    if (!made.isEmpty()) {
                        byte[] b = Json.bytes(made);
                        comma(turns).add(b, 1, b.length - 2); // the messages, without the brackets
                        comma(blanks).add(b, 1, b.length - 2);
                    }
                }
            }
        }
        ObjectNode rest = Json.object();
        MessagesToChat.rest(top, rest, dropped);
        ChatRequest.capInBothFields(rest);
        int[] model = walk.span("model").orElseThrow(); // a string: checked above
        byte[] m = Arrays.copyOfRange(raw, model[0], model[1]);
        String text = MessagesToChat.systemText(system);
        return new MessagesToChat.Parsed(body, request(m, text, turns, blanks, rest), new ArrayList<>(dropped));
    }

    /**
     * The chat request of the body '{', model, messages, then the rest's members (the order of the tree translation's
     * members), written here, so its members' places are known: the checks walk only its skeleton, the same body with
     * the system text and the copied texts blank ({@link ChatRequest#parseSpliced}): MessagesBench.messagesRequest
     * 23–25 → 19–20 µs, messagesBlocksRequest 28–30 → 24 µs. Only strings the checks note as strings are blank (the
     * same number of elements, the same nesting), nothing else differs.
     */
    private static ChatRequest request(byte[] m, String system, BodyParts turns, BodyParts blanks, ObjectNode rest) {
        boolean any = turns.length() > 0;
        byte[] head = head(m, system, any);
        byte[][] members = new byte[rest.size()][];
        String[] names = new String[2 + members.length];
        int[] bounds = new int[3 * names.length];
        names[0] = "model";
        bounds[0] = 1;
        bounds[1] = OPEN_MODEL.length;
        bounds[2] = OPEN_MODEL.length + m.length;
        names[1] = "messages";
        bounds[3] = bounds[2] + 1;
        bounds[4] = bounds[2] + MESSAGES.length - 1; // the '['
        bounds[5] = head.length + turns.length() + 1; // past the ']'
        int at = bounds[5];
        int i = 0;
        for (java.util.Map.Entry<String, JsonNode> e : rest.properties()) {
            // the names are the router's own (max_tokens, tools, stream …), plain ASCII: "name": is name's length + 3
            byte[] member = ChatBody.member(e.getKey(), e.getValue());
            members[i] = member;
            names[2 + i] = e.getKey();
            bounds[3 * (2 + i)] = at + 1; // past the comma
            bounds[3 * (2 + i) + 1] = at + 1 + e.getKey().length() + 3;
            bounds[3 * (2 + i) + 2] = at + 1 + member.length;
            at += 1 + member.length;
            i++;
        }
        byte[] chat = join(head, turns, members);
        byte[] skeleton = join(head(m, system.isEmpty() ? "" : "-", any), blanks, members);
        return ChatRequest.parseSpliced(chat, names, bounds, skeleton);
    }

    /** {@code head}, the turns, ']', then each member after a comma, and '}'. */
    private static byte[] join(byte[] head, BodyParts turns, byte[][] members) {
        int size = head.length + turns.length() + 2;
        for (byte[] member : members) {
            size += 1 + member.length;
        }
        byte[] out = new byte[size];
        System.arraycopy(head, 0, out, 0, head.length);
        int at = turns.copyTo(out, head.length);
        out[at++] = ']';
        for (byte[] member : members) {
            out[at++] = ',';
            System.arraycopy(member, 0, out, at, member.length);
            at += member.length;
        }
        out[at] = '}';
        return out;
    }

    /** {@code {"model":…,"messages":[} and the one system message, if there is a system text. */
    private static byte[] head(byte[] m, String text, boolean turns) {
        byte[] s = new byte[0];
        if (!text.isEmpty()) {
            byte[] written = Json.bytes(Json.object().put("role", "system").put("content", text));
            s = turns ? Arrays.copyOf(written, written.length + 1) : written;
            if (turns) {
                s[written.length] = ',';
            }
        }
        byte[] head = new byte[OPEN_MODEL.length + m.length + MESSAGES.length + s.length];
        System.arraycopy(OPEN_MODEL, 0, head, 0, OPEN_MODEL.length);
        System.arraycopy(m, 0, head, OPEN_MODEL.length, m.length);
        System.arraycopy(MESSAGES, 0, head, OPEN_MODEL.length + m.length, MESSAGES.length);
        System.arraycopy(s, 0, head, OPEN_MODEL.length + m.length + MESSAGES.length, s.length);
        return head;
    }

    /**
     * Text blocks as the tree translation makes them: one block is the message's content string; a user's several
     * blocks its text parts (cache_control and the like dropped, as there).
     */
    private static void text(byte[] raw, MessagesWalk.Message m, BodyParts out, boolean blank) {
        int[] t = m.texts();
        if (t.length == 2) {
            out.add(m.role().equals("user") ? USER : ASSISTANT);
            text(raw, t, 0, out, blank).add(CLOSE);
            return;
        }
        out.add(USER_PARTS);
        for (int i = 0; i < t.length; i += 2) {
            if (i > 0) {
                out.add(COMMA);
            }
            text(raw, t, i, out.add(TEXT_PART), blank).add(CLOSE);
        }
        out.add(CLOSE_PARTS);
    }

    /** The text string at t[i], t[i + 1]: the client's bytes, or an empty string ({@code blank}). */
    private static BodyParts text(byte[] raw, int[] t, int i, BodyParts out, boolean blank) {
        return blank ? out.add(BLANK) : out.add(raw, t[i], t[i + 1] - t[i]);
    }

    /** A comma, unless the list is still empty. */
    private static BodyParts comma(BodyParts out) {
        return out.length() > 0 ? out.add(COMMA) : out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
