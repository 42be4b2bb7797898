package io.hpp.router.provider;

import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.Completion;
import io.hpp.router.wire.StreamChunk;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.value.Model;

/**
 * One upstream provider, spoken to in the OpenAI chat format: requests go in as OpenAI chat-completion bodies and
 * answers come back as OpenAI {@code chat.completion} objects or {@code chat.completion.chunk} events, whatever the
 * provider's own wire format. Failures are {@link ProviderException}s.
 */
public interface Provider {

    /** A non-streamed completion, its answer read whole within {@code memory}. */
    ObjectNode complete(Model model, ObjectNode request, AnswerMemory memory);

    /** A non-streamed completion as the relay passes it on; by default the tree of {@link #complete}. */
    default Completion completion(Model model, ObjectNode request, AnswerMemory memory) {
        return Completion.of(complete(model, request, memory));
    }

    /**
     * A streamed completion: each chunk goes to {@code listener} as soon as it arrives; returns when the provider
     * finished the stream, throws if it failed or cut the stream short. The last chunk carries the usage.
     */
    void stream(Model model, ObjectNode request, ChunkListener listener);

    /**
     * A non-streamed completion of the client's request, whose bytes a provider speaking the client's format can pass
     * on; by default from its tree.
     */
    default Completion completion(Model model, ChatBody request, AnswerMemory memory) {
        return completion(model, request.tree(), memory);
    }

    /** A streamed completion of the client's request (see {@link #completion(Model, ChatBody, AnswerMemory)}); by default from its tree. */
    default void stream(Model model, ChatBody request, ChunkListener listener) {
        stream(model, request.tree(), listener);
    }

    /** Receives the chunks of a stream, in order. */
    @FunctionalInterface
    interface ChunkListener {
        void onChunk(ObjectNode chunk);

        /** A common chunk, scanned without a tree; by default it is read into one. */
        default void onChunk(StreamChunk chunk) {
            try {
                onChunk((ObjectNode) io.hpp.router.common.Json.readTree(chunk.json()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // cannot happen: the scan read it as a JSON object
            }
        }

        /**
         * The provider is about to wait for more of the stream: every chunk that had arrived has been passed on, so
         * what was written for them should reach the client now.
         */
        default void beforeWait() {
        }
    }
}
