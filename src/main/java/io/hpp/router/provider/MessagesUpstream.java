package io.hpp.router.provider;

import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.value.Model;

/**
 * A provider whose own API is Anthropic's Messages API: a Messages client reaches it {@link Relayed relayed}, so every
 * field the router does not read (thinking, {@code cache_control}, server tools, betas) arrives as sent.
 */
public interface MessagesUpstream {

    /** A non-streamed Messages call. */
    Relayed.Answer messages(Model model, Relayed.Request request, AnswerMemory memory);

    /**
     * A streamed Messages call, relayed event by event with {@code message_start}'s model renamed to
     * {@code answerModel}; returns after {@code message_stop}, throws on a failure or a stream cut short (an upstream
     * {@code error} event included: the caller ends the client's stream with its own error event).
     */
    void streamMessages(Model model, Relayed.Request request, String answerModel, Relayed.FrameListener listener);

    /** {@code POST /v1/messages/count_tokens}: the provider's answer, as it sent it (not billed). */
    byte[] countTokens(Model model, Relayed.Request request, AnswerMemory memory);
}
