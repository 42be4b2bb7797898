package io.hpp.router.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hpp.router.common.Json;
import io.hpp.router.config.ProviderConfig;
import io.hpp.router.provider.MessagesUpstream;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Relayed;
import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.upstream.SseReader;
import io.hpp.router.upstream.Upstream;
import io.hpp.router.value.Model;
import io.hpp.router.wire.BodyParts;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.Completion;
import io.hpp.router.wire.StreamChunk;
import io.hpp.router.wire.UsageReader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}): behind the OpenAI chat format for chat clients (translation is
 * {@link AnthropicMapper}), and relayed as it is for Messages clients ({@link MessagesUpstream}, {@link AnthropicRelay}).
 */
public final class AnthropicProvider implements Provider, MessagesUpstream {
    static final String API_VERSION = "2023-06-01";
    private static final long DEFAULT_MAX_TOKENS = 4096;
    private static final int MAX_BODY = 32 * 1024 * 1024;
    private static final int MAX_EVENT = 8 * 1024 * 1024;

    private final Upstream upstream;
    private final String provider;
    private final Map<String, String> headers;

    /**
     * Anthropic itself, or any provider of type {@code anthropic} (an Anthropic-compatible endpoint such as Moonshot's
     * or DeepSeek's): the configured extra headers, then the key and the API version. The values are handed to the
     * HTTP client only, never to a log or a message.
     */
    public AnthropicProvider(Upstream upstream, ProviderConfig config) {
        this.upstream = upstream;
        this.provider = config.name();
        Map<String, String> h = new LinkedHashMap<>();
        config.headers().forEach((name, value) -> h.put(name, value.reveal()));
        h.put("x-api-key", config.apiKey().orElseThrow(() -> new IllegalArgumentException(
                "provider " + config.name() + " of type anthropic has no api_key")).reveal());
        h.putIfAbsent("anthropic-version", API_VERSION);
        this.headers = Map.copyOf(h);
    }

    /** The client's tree is made and translated before the provider is called, and not held while it answers. */
    @Override
    public Completion complete(Model model, ChatBody request, AnswerMemory memory) {
        return Completion.of(answer(upstreamBody(model, request.tree(), false), memory));
    }

    /** As {@link #complete}: no tree is held while the stream runs. */
    @Override
    public void stream(Model model, ChatBody request, ChunkListener listener) {
        relay(upstreamBody(model, request.tree(), true), listener);
    }

    private static byte[] upstreamBody(Model model, ObjectNode request, boolean stream) {
        ObjectNode body = AnthropicMapper.toUpstream(request, model.upstreamModel(), model.maxOutputTokens().orElse(DEFAULT_MAX_TOKENS));
        if (stream) {
            body.put("stream", true);
        } else {
            body.remove("stream");
        }
        return Json.bytes(body);
    }

    private ObjectNode answer(byte[] body, AnswerMemory memory) {
        try (Upstream.Exchange ex = upstream.post("/v1/messages", headers, body)) {
            if (ex.status() != 200) {
                throw AnthropicMapper.fromError(provider, ex.status(), safeText(ex)).withRetryAfter(ex.header("retry-after"));
            }
            JsonNode message;
            try {
                message = Json.readTree(ex.readAll(MAX_BODY, memory));
            } catch (IOException e) {
                throw ProviderException.badResponse(provider, "invalid JSON");
            }
            return AnthropicMapper.fromUpstream(message, System.currentTimeMillis() / 1000);
        }
    }

    private void relay(byte[] body, ChunkListener listener) {
        try (Upstream.Exchange ex = upstream.post("/v1/messages", headers, body)) {
            if (ex.status() != 200) {
                throw AnthropicMapper.fromError(provider, ex.status(), safeText(ex)).withRetryAfter(ex.header("retry-after"));
            }
            AnthropicStream stream = AnthropicMapper.newStream(System.currentTimeMillis() / 1000);
            ex.beforeWait(listener::beforeWait);
            SseReader reader = new SseReader(ex.body(), MAX_EVENT);
            while (!stream.finished()) {
                Optional<SseReader.Event> event;
                try {
                    event = reader.next();
                } catch (IOException e) {
                    throw ex.readFailure(e);
                }
                if (event.isEmpty()) {
                    throw ProviderException.badResponse(provider, "the stream ended before message_stop");
                }
                for (ObjectNode chunk : AnthropicMapper.fromEvent(stream, event.get().data())) {
                    listener.onChunk(StreamChunk.of(chunk));
                }
            }
            ex.endOfAnswer();
        }
    }

    @Override
    public Relayed.Answer messages(Model model, Relayed.Request request, AnswerMemory memory) {
        try (Upstream.Exchange ex = upstream.post("/v1/messages", headers(request), relayed(model, request))) {
            failUnlessOk(ex);
            byte[] body = ex.readAll(MAX_BODY, memory);
            Completion message = Completion.scan(body).orElseGet(() -> Completion.of(object(body)));
            JsonNode usage = message.usage();
            return new Relayed.Answer(message, usage == null || !usage.isObject()
                    ? Optional.empty() : UsageReader.read(AnthropicMapper.usage(usage)));
        }
    }

    @Override
    public void streamMessages(Model model, Relayed.Request request, String answerModel, Relayed.FrameListener listener) {
        try (Upstream.Exchange ex = upstream.post("/v1/messages", headers(request), relayed(model, request))) {
            failUnlessOk(ex);
            new AnthropicRelay(provider, answerModel, listener).run(ex, MAX_EVENT);
        }
    }

    @Override
    public byte[] countTokens(Model model, Relayed.Request request, AnswerMemory memory) {
        try (Upstream.Exchange ex = upstream.post("/v1/messages/count_tokens", headers(request), relayed(model, request))) {
            failUnlessOk(ex);
            return ex.readAll(MAX_BODY, memory);
        }
    }

    /** The client's body with the provider's model id; every other member is the client's bytes. */
    private static BodyParts relayed(Model model, Relayed.Request request) {
        return request.body().bytesWith(Map.of("model", ChatBody.member("model", TextNode.valueOf(model.upstreamModel()))));
    }

    /** Our key, and the client's API version and betas (theirs win: the body was written for them). */
    private Map<String, String> headers(Relayed.Request request) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putAll(request.headers());
        return h;
    }

    private void failUnlessOk(Upstream.Exchange ex) {
        if (ex.status() != 200) {
            throw AnthropicMapper.fromError(provider, ex.status(), safeText(ex)).withRetryAfter(ex.header("retry-after"));
        }
    }

    private ObjectNode object(byte[] body) {
        try {
            JsonNode n = Json.readTree(body);
            if (n != null && n.isObject()) {
                return (ObjectNode) n;
            }
        } catch (IOException e) {
            // below
        }
        throw ProviderException.badResponse(provider, "an answer that is not a JSON object");
    }

    private static String safeText(Upstream.Exchange ex) {
        try {
            return ex.readText(64 * 1024);
        } catch (ProviderException e) {
            return "";
        }
    }
}
