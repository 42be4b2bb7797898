package io.hpp.router.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.provider.ChatBody;
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
 * @param outputCap      the client's {@code max_completion_tokens} or {@code max_tokens}
 * @param capField       which of the two fields the client used
 * @param messages       number of messages
 * @param imageParts     number of {@code image_url} parts
 * @param boundBytes     request bytes that can become tokens: the body less image URLs (images are bounded apart)
 */
public record ChatRequest(ChatBody body, String model, boolean stream, boolean includeUsage, Optional<Long> outputCap,
                          Optional<String> capField, int messages, int imageParts, long boundBytes) {
    /** The request as a tree: to read, not to change. */
    public ObjectNode tree() {
        return body.tree();
    }

    /** The same request with its output cap set in {@code field} (on a copy of the body's top level). */
    public ChatRequest withCap(String field, long cap) {
        return new ChatRequest(body.with(field, cap), model, stream, includeUsage, Optional.of(cap), Optional.of(field), messages, imageParts, boundBytes);
    }

    /** The request's body checked (see {@link RequestCheck}), or a 400 {@code invalid_request} naming the problem. */
    public static ChatRequest parse(byte[] raw) {
        RequestCheck check = new RequestCheck();
        ChatBody body = ChatBody.parse(raw, check);
        return check.verdict(body, raw.length);
    }
}
