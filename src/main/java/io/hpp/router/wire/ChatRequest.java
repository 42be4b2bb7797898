package io.hpp.router.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A validated chat-completion request: the original JSON (so unknown fields pass through untouched) and the few facts
 * the pipeline needs from it.
 *
 * @param body           the request as sent, as a tree and the client's bytes; the pipeline only ever changes
 *                       {@code model} and the output cap
 * @param model          the requested model id
 * @param stream         whether the client asked for SSE
 * @param includeUsage   whether the client asked for the usage chunk ({@code stream_options.include_usage})
 * @param outputCap      the client's {@code max_completion_tokens} or {@code max_tokens} (the smaller, if it gave both)
 * @param capField       which of the two fields the client used; empty when it gave none or both
 * @param bothCaps       whether the client gave both (only one may go upstream: a provider reads either)
 * @param answers        how many answers the client asked for ({@code n}, 1 by default)
 * @param messages       number of messages
 * @param imageParts     number of {@code image_url} parts
 * @param boundBytes     request bytes that can become tokens: the body less image URLs (images are bounded apart)
 */
public record ChatRequest(ChatBody body, String model, boolean stream, boolean includeUsage, Optional<Long> outputCap,
                          Optional<String> capField, boolean bothCaps, int answers, int messages, int imageParts, long boundBytes) {
    static final String FIELD_MAX_COMPLETION_TOKENS = "max_completion_tokens";
    static final String FIELD_MAX_TOKENS = "max_tokens";

    /** The request as a tree: to read, not to change. */
    public ObjectNode tree() {
        return body.tree();
    }

    /** The same request with its output cap set in {@code field} and the other cap field left out. */
    public ChatRequest withCap(String field, long cap) {
        ChatBody capped = body.with(field, cap);
        if (bothCaps) {
            capped = capped.without(field.equals(FIELD_MAX_TOKENS) ? FIELD_MAX_COMPLETION_TOKENS : FIELD_MAX_TOKENS);
        }
        return new ChatRequest(capped, model, stream, includeUsage, Optional.of(cap), Optional.of(field), false, answers, messages,
                imageParts, boundBytes);
    }

    /**
     * The request to send: exactly one output cap, in {@code field} when the gateway sets it, which it does when the
     * hold lowered the cap or the client gave two (then the smaller goes upstream, as the hold priced); else unchanged.
     */
    public ChatRequest upstream(String field, Optional<Long> loweredCap) {
        if (loweredCap.isPresent()) {
            return withCap(field, loweredCap.get());
        }
        return bothCaps ? withCap(field, outputCap.orElseThrow()) : this;
    }

    /**
     * A chat request translated from another API, its output cap put in both fields, equal, as a chat client may give
     * it: the pipeline then sends the one field the provider takes (in max_tokens alone it went as is, and OpenAI
     * refuses that for its reasoning models, gpt-5 and o*).
     */
    public static void capInBothFields(ObjectNode chat) {
        if (chat.has(FIELD_MAX_TOKENS)) {
            chat.set(FIELD_MAX_COMPLETION_TOKENS, chat.get(FIELD_MAX_TOKENS));
        }
    }

    /** The request's body checked (see {@link RequestCheck}), or a 400 {@code invalid_request} naming the problem. */
    public static ChatRequest parse(byte[] raw) {
        RequestCheck check = new RequestCheck();
        ChatBody body = ChatBody.parse(raw, check);
        return check.verdict(body, raw.length);
    }

    /**
     * As {@link #parse} of {@code full}, for a body the router wrote itself (the Messages splice): {@code full}'s
     * top-level members are {@code names} at {@code bounds} (for member i: its name's quote at {@code bounds[3i]}, its
     * value from {@code bounds[3i + 1]} to {@code bounds[3i + 2]}), and {@code skeleton} is the same JSON but that some
     * strings the checks do not read — a message's content string, a text part's text — are shorter strings. The
     * checks walk the skeleton, within the element limits of {@code full}'s size, and judge exactly as on {@code full}:
     * they note of such a string only that it is a string, it is the same number of elements, and the byte bound is
     * {@code full}'s. The whole body is not walked a second time (it already was, as the client's): ~9 µs of a 28 KB
     * conversation's ~28 (MessagesBench). The caller must keep every other byte the same.
     */
    public static ChatRequest parseSpliced(byte[] full, String[] names, int[] bounds, byte[] skeleton) {
        RequestCheck check = new RequestCheck();
        ChatBody.parse(skeleton, full.length, check);
        return check.verdict(ChatBody.ofSpans(full, names.clone(), bounds.clone()), full.length);
    }
}
