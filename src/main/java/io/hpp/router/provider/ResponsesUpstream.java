package io.hpp.router.provider;

import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.value.Model;

/**
 * A provider that serves OpenAI's Responses API itself ({@code POST /v1/responses}): a Responses client reaches it
 * {@link Relayed relayed}, so built-in tools, reasoning settings, {@code include} and every other field arrive as sent.
 */
public interface ResponsesUpstream {

    /** Whether this provider serves the Responses API (OpenAI does; the other OpenAI-compatible ones may not). */
    boolean servesResponses();

    /** A non-streamed Responses call. */
    Relayed.Answer responses(Model model, Relayed.Request request, AnswerMemory memory);

    /**
     * A streamed Responses call, relayed event by event with the response's model renamed to {@code answerModel};
     * returns after {@code response.completed} or {@code response.incomplete}, throws on a failure, a
     * {@code response.failed} or {@code error} event, or a stream cut short.
     */
    void streamResponses(Model model, Relayed.Request request, String answerModel, Relayed.FrameListener listener);
}
