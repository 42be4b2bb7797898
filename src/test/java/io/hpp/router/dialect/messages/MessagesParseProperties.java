package io.hpp.router.dialect.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * The splice ({@link MessagesSplice}: the chat body made of the client's bytes) against the tree translation it
 * replaces ({@link MessagesToChat#parseByTree}), on generated Messages bodies ({@link MessagesRequests}): the same chat
 * request (tree, model, stream, caps, answers, messages, images), the same dropped list, the same client body, and the
 * same refusal (status, code, message) for a body either refuses. The byte bound of the request's tokens is the same
 * when the client wrote its JSON as the router writes it (else the client's own escapes and white space count, which
 * bound its tokens as well).
 */
class MessagesParseProperties {

    @Provide
    Arbitrary<MessagesRequests.Sample> requests() {
        return Arbitraries.randomValue(MessagesRequests::sample);
    }

    @Property(tries = 5_000, shrinking = ShrinkingMode.OFF)
    void theSpliceMakesTheRequestTheTreeTranslationMakes(@ForAll("requests") MessagesRequests.Sample s) {
        Outcome fast = Outcome.of(() -> MessagesToChat.parse(s.body(), s.counting()));
        Outcome tree = Outcome.of(() -> MessagesToChat.parseByTree(s.body(), s.counting()));
        Statistics.label("path").collect(path(s), fast.refusal == null ? "answered" : "refused");
        assertThat(fast.refusal).as("refusal").isEqualTo(tree.refusal);
        if (tree.parsed == null) {
            return;
        }
        ChatRequest a = fast.parsed.chat();
        ChatRequest b = tree.parsed.chat();
        assertThat(a.tree()).as("chat request").isEqualTo(b.tree());
        assertThat(a.model()).isEqualTo(b.model());
        assertThat(a.stream()).isEqualTo(b.stream());
        assertThat(a.includeUsage()).isEqualTo(b.includeUsage());
        assertThat(a.outputCap()).isEqualTo(b.outputCap());
        assertThat(a.capField()).isEqualTo(b.capField());
        assertThat(a.bothCaps()).isEqualTo(b.bothCaps());
        assertThat(a.answers()).isEqualTo(b.answers());
        assertThat(a.messages()).isEqualTo(b.messages());
        assertThat(a.imageParts()).isEqualTo(b.imageParts());
        if (s.canonical() && !new String(s.body(), StandardCharsets.UTF_8).contains("\\uD800")) {
            // (a lone surrogate has the whole tree written by Jackson's generator, which escapes emoji too: Json.bytes)
            assertThat(a.boundBytes()).as("byte bound").isEqualTo(b.boundBytes());
        }
        assertThat(fast.parsed.dropped()).as("dropped").isEqualTo(tree.parsed.dropped());
        assertThat(fast.parsed.body().toString()).as("client body").isEqualTo(new String(s.body(), StandardCharsets.UTF_8));
        assertThat(bytes(fast.parsed.body())).as("client body as sent on").isEqualTo(bytes(tree.parsed.body()));
    }

    /**
     * The chat body the splice wrote, with its members' places as the splice knows them ({@link
     * ChatRequest#parseSpliced}), is the body {@link ChatBody#parse} makes of the same bytes: the same bytes sent
     * upstream, as they are, with members set or left out, and with a lowered cap; the same value of each member.
     */
    @Property(tries = 2_000, shrinking = ShrinkingMode.OFF)
    void theSplicedBodyIsTheBodyOfItsBytes(@ForAll("requests") MessagesRequests.Sample s) {
        ChatRequest spliced;
        try {
            spliced = MessagesToChat.parse(s.body(), s.counting()).chat();
        } catch (ApiException e) {
            return;
        }
        ChatBody written = spliced.body();
        byte[] chat = written.toString().getBytes(StandardCharsets.UTF_8);
        ChatRequest parsed = ChatRequest.parse(chat);
        ChatBody walked = parsed.body();
        Map<String, byte[]> upstream = new java.util.LinkedHashMap<>();
        upstream.put("model", ChatBody.member("model", TextNode.valueOf("gpt-5")));
        upstream.put("max_tokens", null);
        for (Map<String, byte[]> set : java.util.List.of(Map.<String, byte[]>of(), upstream,
                Map.of("max_tokens", ChatBody.member("max_tokens", IntNode.valueOf(7))))) {
            assertThat(sent(written, set)).as("sent with %s", set.keySet()).isEqualTo(sent(walked, set));
        }
        assertThat(sent(spliced.upstream("max_completion_tokens", Optional.of(5L)).body(), upstream))
                .isEqualTo(sent(parsed.upstream("max_completion_tokens", Optional.of(5L)).body(), upstream));
        for (String name : java.util.List.of("model", "messages", "max_tokens", "max_completion_tokens", "stream",
                "stream_options", "tools", "tool_choice", "temperature", "top_p", "stop", "user", "parallel_tool_calls")) {
            assertThat(written.value(name)).as(name).isEqualTo(walked.value(name));
        }
        assertThat(spliced.boundBytes()).as("byte bound").isEqualTo(parsed.boundBytes());
        assertThat(spliced.messages()).isEqualTo(parsed.messages());
        assertThat(spliced.imageParts()).isEqualTo(parsed.imageParts());
    }

    private static String sent(ChatBody body, Map<String, byte[]> set) {
        return new String(body.bytesWith(set).toArray(), StandardCharsets.UTF_8);
    }

    /**
     * The property above proves something only if the splice takes most bodies, and most of their messages: of the
     * bodies the tree translation answers, those it walks as usual, and in them the messages made of the client's bytes.
     */
    @Property(tries = 3_000, shrinking = ShrinkingMode.OFF)
    void theSpliceTakesMostBodies(@ForAll("requests") MessagesRequests.Sample s) {
        MessagesWalk walk = new MessagesWalk(s.body());
        try {
            ChatBody.parse(s.body(), walk);
        } catch (ApiException e) {
            Statistics.label("walk").collect("refused");
            return;
        }
        Statistics.label("walk").collect(walk.usual() ? "usual" : "tree");
        if (walk.usual()) {
            for (MessagesWalk.Message m : walk.messages()) {
                Statistics.label("message").collect(m.shape());
            }
        }
        Statistics.label("walk").coverage(c -> c.check("usual").percentage(p -> p > 70));
        Statistics.label("message").coverage(c -> {
            c.check(MessagesWalk.Shape.PLAIN).percentage(p -> p > 25);
            c.check(MessagesWalk.Shape.TEXT).percentage(p -> p > 5);
            c.check(MessagesWalk.Shape.TREE).percentage(p -> p > 10);
        });
    }

    private static String path(MessagesRequests.Sample s) {
        MessagesWalk walk = new MessagesWalk(s.body());
        try {
            ChatBody.parse(s.body(), walk);
            return walk.usual() ? "splice" : "tree";
        } catch (ApiException e) {
            return "walk refused";
        }
    }

    private static String bytes(ChatBody body) {
        return new String(body.bytesWith(Map.of("max_tokens", ChatBody.member("max_tokens", IntNode.valueOf(7)))).toArray(),
                StandardCharsets.UTF_8);
    }

    /** What parsing gave: the request, or the refusal as the client reads it. */
    private record Outcome(MessagesToChat.Parsed parsed, String refusal) {
        static Outcome of(java.util.function.Supplier<MessagesToChat.Parsed> parse) {
            try {
                return new Outcome(parse.get(), null);
            } catch (ApiException e) {
                return new Outcome(null, e.status() + " " + e.code() + " " + e.getMessage());
            }
        }
    }
}
