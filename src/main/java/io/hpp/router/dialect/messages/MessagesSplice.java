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
 * small top-level members; then parsed once as every chat request is. The same request and the same dropped list as
 * {@link MessagesToChat#translate} of the whole tree (MessagesParseProperties), in the same order of refusals: the
 * JSON, the model, the cap, each message in turn, the tools, then the chat checks. For a 20-turn conversation (~28 KB,
 * MessagesBench) the request took 78 µs by the tree, 24 µs so (text blocks: 84 → 29 µs), against 10 µs for a chat
 * client's: what is left is the two walks of the bytes, each ~9 µs (the client's body, checked as JSON within the
 * element limits and kept for the Anthropic relay; the chat body, checked as every chat request), and a ~2 µs copy.
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
        for (int i = 0; i < trees.length; i++) {
            MessagesWalk.Message m = messages.get(i);
            switch (m.shape()) {
                case PLAIN -> comma(turns).add(raw, m.start(), m.end() - m.start());
                case TEXT -> text(raw, m, comma(turns));
                case TREE -> {
                    ArrayNode made = Json.MAPPER.createArrayNode();
                    MessagesToChat.turn(trees[i], system, made, dropped);
                    if (!made.isEmpty()) {
                        byte[] b = Json.bytes(made);
                        comma(turns).add(b, 1, b.length - 2); // the messages, without the brackets
                    }
                }
            }
        }
        ObjectNode rest = Json.object();
        MessagesToChat.rest(top, rest, dropped);
        MessagesToChat.bothCaps(rest);
        int[] model = walk.span("model").orElseThrow(); // a string: checked above
        byte[] head = head(Arrays.copyOfRange(raw, model[0], model[1]), system, turns.length() > 0);
        byte[] tail = Json.bytes(rest);
        // '{', model, messages, then the rest's members: the order of the tree translation's members
        byte[] chat = new byte[head.length + turns.length() + 1 + (tail.length > 2 ? tail.length : 1)];
        System.arraycopy(head, 0, chat, 0, head.length);
        int at = turns.copyTo(chat, head.length);
        chat[at++] = ']';
        if (tail.length > 2) {
            chat[at++] = ',';
            System.arraycopy(tail, 1, chat, at, tail.length - 1);
        } else {
            chat[at] = '}';
        }
        return new MessagesToChat.Parsed(body, ChatRequest.parse(chat), new ArrayList<>(dropped));
    }

    /** {@code {"model":…,"messages":[} and the one system message, if there is a system text. */
    private static byte[] head(byte[] m, List<String> system, boolean turns) {
        byte[] s = new byte[0];
        String text = MessagesToChat.systemText(system);
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
    private static void text(byte[] raw, MessagesWalk.Message m, BodyParts out) {
        int[] t = m.texts();
        if (t.length == 2) {
            out.add(m.role().equals("user") ? USER : ASSISTANT).add(raw, t[0], t[1] - t[0]).add(CLOSE);
            return;
        }
        out.add(USER_PARTS);
        for (int i = 0; i < t.length; i += 2) {
            if (i > 0) {
                out.add(COMMA);
            }
            out.add(TEXT_PART).add(raw, t[i], t[i + 1] - t[i]).add(CLOSE);
        }
        out.add(CLOSE_PARTS);
    }

    /** A comma, unless the list is still empty. */
    private static BodyParts comma(BodyParts out) {
        return out.length() > 0 ? out.add(COMMA) : out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
