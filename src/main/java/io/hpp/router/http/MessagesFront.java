package io.hpp.router.http;

import io.hpp.router.chat.ClientChannel;
import io.hpp.router.chat.Front;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.messages.MessagesErrors;
import io.hpp.router.dialect.messages.MessagesEvent;
import io.hpp.router.dialect.messages.MessagesToChat;
import io.hpp.router.provider.MessagesUpstream;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Relayed;
import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.value.Model;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.ChatRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One request of Anthropic's Messages API as the chat pipeline sees it: the client's body is kept as it came (for an
 * Anthropic upstream, which gets it as sent) and translated into a chat request (which the pipeline reads, and every
 * other provider gets); a chat answer goes back through a {@link MessagesChannel}.
 */
final class MessagesFront implements Front {
    private final String endpoint;
    private final byte[] raw;
    private final Map<String, String> headers;
    private final MessagesChannel.Pings pings;
    private ChatBody body;
    private List<String> dropped = List.of();

    /**
     * @param endpoint {@code messages} or {@code count_tokens}
     * @param headers  the client's {@code anthropic-version} and {@code anthropic-beta}, passed on to Anthropic
     */
    MessagesFront(String endpoint, byte[] raw, Map<String, String> headers, MessagesChannel.Pings pings) {
        this.endpoint = endpoint;
        this.raw = raw;
        this.headers = headers;
        this.pings = pings;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    /** The Messages body checked as JSON (within the element limits) and translated; 400 for what is not a Messages request. */
    @Override
    public ChatRequest request() {
        MessagesToChat.Parsed parsed = MessagesToChat.parse(raw, endpoint.equals("count_tokens"));
        body = parsed.body();
        dropped = parsed.dropped();
        return parsed.chat();
    }

    @Override
    public ClientChannel answers(ClientChannel client, ChatRequest request, LongSupplier inputTokens) {
        return new MessagesChannel(client, inputTokens, dropped, pings);
    }

    @Override
    public Optional<Relay> relayTo(Provider provider) {
        if (!(provider instanceof MessagesUpstream anthropic)) {
            return Optional.empty();
        }
        return Optional.of(new Relay() {
            @Override
            public Relayed.Answer complete(Model model, Optional<Long> loweredCap, AnswerMemory memory) {
                return anthropic.messages(model, sent(loweredCap), memory);
            }

            @Override
            public void stream(Model model, Optional<Long> loweredCap, String answerModel, Relayed.FrameListener listener) {
                anthropic.streamMessages(model, sent(loweredCap), answerModel, listener);
            }
        });
    }

    @Override
    public Optional<byte[]> upstreamCount(Provider provider, Model model, AnswerMemory memory) {
        return provider instanceof MessagesUpstream anthropic
                ? Optional.of(anthropic.countTokens(model, sent(Optional.empty()), memory)) : Optional.empty();
    }

    /** The client's body as it goes upstream: {@code max_tokens} lowered to what the balance pays, if it had to be. */
    private Relayed.Request sent(Optional<Long> loweredCap) {
        return new Relayed.Request(loweredCap.map(c -> body.with("max_tokens", c)).orElse(body), headers);
    }

    @Override
    public byte[] cutFrame(ProviderException e) {
        MessagesErrors.Rendered r = MessagesErrors.of(e.clientStatus(), e.code(), e.getMessage());
        return new MessagesEvent("error", r.body()).sse();
    }

    @Override
    public byte[] tokenCount(long inputTokens) {
        return Json.bytes(Json.object().put("input_tokens", inputTokens));
    }
}
