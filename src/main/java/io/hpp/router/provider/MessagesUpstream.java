package io.hpp.router.provider;

import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.value.Model;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.Completion;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider whose own API is Anthropic's Messages API. A client speaking that API reaches it by a relay, not a
 * translation: the client's bytes go upstream but for {@code model} (and the output cap when the balance lowered it),
 * so every field the router does not read (thinking, {@code cache_control}, server tools, betas) arrives as sent, and
 * the answer comes back as the provider sent it but for {@code model}. The usage is read on the way, for billing.
 */
public interface MessagesUpstream {

    /**
     * A Messages request on its way upstream.
     *
     * @param body    the client's body (its bytes; the gateway sets {@code max_tokens} when it lowers the cap)
     * @param headers the client's {@code anthropic-version} and {@code anthropic-beta}, to pass on
     */
    record Request(ChatBody body, Map<String, String> headers) {
        public Request {
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }
    }

    /** A non-streamed answer, as the provider sent it, and the usage it reported. */
    record Answer(Completion message, Optional<TokenUsage> usage) {
    }

    /**
     * One event of a relayed stream, framed for the client ({@code event: …\ndata: …\n\n}); {@code usage} is the usage
     * reported so far when this event reported it, {@code text} what the event added to the answer (for an estimate
     * when a stream is cut before its usage).
     */
    record Frame(byte[] sse, Optional<TokenUsage> usage, String text) {
    }

    /** Receives the events of a relayed stream, in order. */
    interface FrameListener {
        void onFrame(Frame frame);

        /** As {@link Provider.ChunkListener#beforeWait()}. */
        void beforeWait();
    }

    /** A non-streamed Messages call. */
    Answer messages(Model model, Request request, AnswerMemory memory);

    /**
     * A streamed Messages call, relayed event by event with {@code message_start}'s model renamed to
     * {@code answerModel}; returns after {@code message_stop}, throws on a failure or a stream cut short (an upstream
     * {@code error} event included: the caller ends the client's stream with its own error event).
     */
    void streamMessages(Model model, Request request, String answerModel, FrameListener listener);

    /** {@code POST /v1/messages/count_tokens}: the provider's answer, as it sent it (not billed). */
    byte[] countTokens(Model model, Request request, AnswerMemory memory);
}
