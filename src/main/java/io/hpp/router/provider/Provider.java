package io.hpp.router.provider;

import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.value.Model;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.Completion;
import io.hpp.router.wire.StreamChunk;

/**
 * One upstream provider, spoken to in the OpenAI chat format whatever its own wire format: the pipeline hands it the
 * client's request ({@link ChatBody}: the client's bytes, and a tree on demand) and gets back OpenAI
 * {@code chat.completion} answers or {@code chat.completion.chunk} events. An adapter speaking the client's format
 * passes the bytes on; one that translates asks the request for its tree. Failures are
 * {@link io.hpp.router.upstream.ProviderException}s.
 */
public interface Provider {

    /** A non-streamed completion, its answer read whole within {@code memory}. */
    Completion complete(Model model, ChatBody request, AnswerMemory memory);

    /**
     * A streamed completion: each chunk goes to {@code listener} as soon as it arrives; returns when the provider
     * finished the stream, throws if it failed or cut the stream short. The last chunk carries the usage.
     */
    void stream(Model model, ChatBody request, ChunkListener listener);

    /**
     * The field the router writes an output cap in when the client sent none: {@code max_completion_tokens} for
     * OpenAI's own API and Azure OpenAI (their reasoning models refuse {@code max_tokens}), else {@code max_tokens}.
     */
    default String capField() {
        return "max_tokens";
    }

    /** Receives the chunks of a stream, in order. */
    interface ChunkListener {
        /** One chunk: scanned bytes for the common kind, a tree for the rest ({@link StreamChunk#tree()}). */
        void onChunk(StreamChunk chunk);

        /**
         * The provider is about to wait for more of the stream: every chunk that had arrived has been passed on, so
         * what was written for them should reach the client now.
         */
        void beforeWait();
    }
}
