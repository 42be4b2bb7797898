package io.hpp.router.chat;

import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Relayed;
import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.value.Model;
import io.hpp.router.wire.ChatRequest;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How a client's API meets the chat pipeline: its name in the request log, its request as the chat request the
 * pipeline reads (a translation for every API but chat), and the way back: a channel that turns the pipeline's chat
 * answer into the client's shape. A client whose API a provider speaks natively (Anthropic's Messages API, to
 * Anthropic) is relayed instead of translated ({@link #relayTo}).
 */
public interface Front {

    /** The request log's endpoint: {@code chat}, {@code messages}. */
    String endpoint();

    /** The request as the pipeline reads it; a 400 {@link io.hpp.router.common.ApiException} when it is not valid. */
    ChatRequest request();

    /**
     * Where the pipeline writes a chat-format answer: the client's channel itself, or one that translates into the
     * client's API; {@code inputTokens} estimates the prompt, for a stream that must say it before the provider does.
     */
    ClientChannel answers(ClientChannel client, ChatRequest request, LongSupplier inputTokens);

    /** A call of a provider that speaks the client's API: the client's request {@link Relayed relayed}, not translated. */
    interface Relay {
        /** A non-streamed call; {@code loweredCap}: the output cap the balance pays, when it is below the client's. */
        Relayed.Answer complete(Model model, Optional<Long> loweredCap, AnswerMemory memory);

        /** A streamed call, its events to {@code listener}, the model in them renamed to {@code answerModel}. */
        void stream(Model model, Optional<Long> loweredCap, String answerModel, Relayed.FrameListener listener);
    }

    /** The relay to {@code provider} when it speaks the client's API; empty when the request is translated for it. */
    default Optional<Relay> relayTo(Provider provider) {
        return Optional.empty();
    }

    /** The provider's own count of the request's input tokens, when it speaks the client's API and counts (free). */
    default Optional<byte[]> upstreamCount(Provider provider, Model model, AnswerMemory memory) {
        return Optional.empty();
    }

    /** The last event of a relayed Messages stream cut after it started. */
    default byte[] cutFrame(ProviderException e) {
        throw new IllegalStateException(endpoint() + " has no relayed streams");
    }

    /** A token count's answer, in the client's API. */
    default byte[] tokenCount(long inputTokens) {
        throw new IllegalStateException(endpoint() + " has no token count");
    }

    /** The OpenAI chat API itself: no translation. */
    static Front chat(byte[] body) {
        return new Front() {
            @Override
            public String endpoint() {
                return "chat";
            }

            @Override
            public ChatRequest request() {
                return ChatRequest.parse(body);
            }

            @Override
            public ClientChannel answers(ClientChannel client, ChatRequest request, LongSupplier inputTokens) {
                return client;
            }
        };
    }
}
