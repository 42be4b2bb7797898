package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.chat.ClientChannel;
import io.hpp.router.chat.Front;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.messages.MessagesErrors;
import io.hpp.router.dialect.messages.MessagesEvent;
import io.hpp.router.dialect.messages.MessagesToChat;
import io.hpp.router.provider.MessagesUpstream;
import io.hpp.router.upstream.ProviderException;
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
        body = ChatBody.parse(raw, (name, p) -> p.skipChildren());
        ObjectNode tree = body.tree();
        JsonNode model = tree.get("model");
        if (model == null || !model.isTextual()) {
            throw ApiException.invalidRequest("model: a string naming the model is required; GET /llm/v1/models lists them");
        }
        if (endpoint.equals("messages")) {
            JsonNode max = tree.get("max_tokens");
            if (max == null || !max.canConvertToLong() || !max.isIntegralNumber() || max.asLong() < 1) {
                throw ApiException.invalidRequest("max_tokens: a whole number of at least 1 is required");
            }
        } else {
            tree.remove("max_tokens"); // a count has no answer to cap
        }
        MessagesToChat.Translation t = MessagesToChat.translate(tree);
        dropped = t.dropped();
        ObjectNode chat = t.request();
        if (chat.has("max_tokens")) {
            // The cap in both fields, equal, as a chat client may give it: the pipeline then sends the one field the provider
            // takes. In max_tokens alone it went as is, and OpenAI refuses max_tokens for its reasoning models (gpt-5, o*).
            chat.set("max_completion_tokens", chat.get("max_tokens"));
        }
        return ChatRequest.parse(Json.bytes(chat));
    }

    @Override
    public ClientChannel answers(ClientChannel client, ChatRequest request, LongSupplier inputTokens) {
        return new MessagesChannel(client, inputTokens, dropped, pings);
    }

    @Override
    public Optional<MessagesUpstream.Request> messages() {
        return Optional.ofNullable(body).map(b -> new MessagesUpstream.Request(b, headers));
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
