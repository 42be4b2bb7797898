package io.hpp.router.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hpp.router.common.Json;
import io.hpp.router.config.ProviderConfig;
import io.hpp.router.provider.ImageProvider;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Relayed;
import io.hpp.router.provider.ResponsesUpstream;
import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.upstream.SseReader;
import io.hpp.router.upstream.Upstream;
import io.hpp.router.value.Model;
import io.hpp.router.wire.BodyParts;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.Completion;
import io.hpp.router.wire.StreamChunk;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every upstream that speaks the OpenAI chat-completions wire format: OpenAI, Moonshot, Ollama's {@code /v1}, Azure
 * OpenAI and any provider the configuration names. They differ only by base URL, credentials, extra headers and the
 * path of the endpoint.
 */
public final class OpenAiCompatibleProvider implements Provider, ImageProvider, ResponsesUpstream {
    private static final int MAX_BODY = 128 * 1024 * 1024;
    private static final int MAX_EVENT = 8 * 1024 * 1024;

    private static final byte[] STREAM = ChatBody.member("stream", BooleanNode.TRUE);
    private static final byte[] NO_STREAM = ChatBody.member("stream", BooleanNode.FALSE);
    private static final byte[] USAGE = ChatBody.member("stream_options", Json.object().put("include_usage", true));

    private final Upstream upstream;
    private final Route route;
    private final boolean servesResponses;
    /** OpenAI's own API and Azure's take {@code max_completion_tokens} (their reasoning models refuse {@code max_tokens}). */
    private final boolean completionCap;
    private final Map<String, String> headers;

    /** Where an endpoint ({@code chat/completions}, {@code images/generations}, {@code responses}) of a model lives. */
    @FunctionalInterface
    private interface Route {
        String path(String endpoint, String upstreamModel);
    }

    private OpenAiCompatibleProvider(Upstream upstream, ProviderConfig config, Route route, boolean servesResponses) {
        this.completionCap = servesResponses || config.type() == ProviderConfig.Type.AZURE_OPENAI;
        this.upstream = upstream;
        this.route = route;
        this.servesResponses = servesResponses;
        this.headers = headers(config);
    }

    /**
     * An OpenAI chat-completions provider named in the configuration (Moonshot, DeepSeek, Groq, OpenRouter, vLLM,
     * Gemini's OpenAI-compatible endpoint…): the base URL holds the version path ({@code …/v1}), the key goes as a bearer token.
     */
    public static OpenAiCompatibleProvider of(Upstream upstream, ProviderConfig c) {
        return new OpenAiCompatibleProvider(upstream, c, (endpoint, model) -> "/" + endpoint, false);
    }

    /** OpenAI: base URL includes {@code /v1}; the one upstream the Responses API is relayed to. */
    public static OpenAiCompatibleProvider openAi(Upstream upstream, ProviderConfig c) {
        return new OpenAiCompatibleProvider(upstream, c, (endpoint, model) -> "/" + endpoint, true);
    }

    /** Ollama: base URL is the server root; its OpenAI-compatible API lives under {@code /v1}. */
    public static OpenAiCompatibleProvider ollama(Upstream upstream, ProviderConfig c) {
        String prefix = c.baseUrl().getPath().endsWith("/v1") ? "/" : "/v1/";
        return new OpenAiCompatibleProvider(upstream, c, (endpoint, model) -> prefix + endpoint, false);
    }

    /**
     * Azure OpenAI: the base URL is the resource ({@code https://<resource>.openai.azure.com}); the catalog's
     * upstream model names the deployment, which is in the path, and the API version is a query parameter.
     */
    public static OpenAiCompatibleProvider azure(Upstream upstream, ProviderConfig c) {
        String version = "?api-version=" + URLEncoder.encode(c.apiVersion(), StandardCharsets.UTF_8);
        return new OpenAiCompatibleProvider(upstream, c, (endpoint, deployment) -> "/openai/deployments/"
                + URLEncoder.encode(deployment, StandardCharsets.UTF_8).replace("+", "%20") + "/" + endpoint + version, false);
    }

    /**
     * The configured extra headers, then the key in the header its type expects. Values are secrets: this map is
     * handed to the HTTP client only, never to a log or a message.
     */
    private static Map<String, String> headers(ProviderConfig c) {
        Map<String, String> h = new LinkedHashMap<>();
        c.headers().forEach((name, value) -> h.put(name, value.reveal()));
        c.apiKey().ifPresent(k -> h.put(c.type().authHeader(),
                c.type() == ProviderConfig.Type.AZURE_OPENAI ? k.reveal() : "Bearer " + k.reveal()));
        return Map.copyOf(h);
    }

    /** The answer as the provider's bytes when it is the common kind; a tree otherwise. */
    @Override
    public Completion complete(Model model, ChatBody request, AnswerMemory memory) {
        byte[] answer = answer(model, request, memory);
        return Completion.scan(answer).orElseGet(() -> Completion.of(answerObject(answer)));
    }

    private byte[] answer(Model model, ChatBody request, AnswerMemory memory) {
        String path = route.path("chat/completions", model.upstreamModel());
        try (Upstream.Exchange ex = upstream.post(path, headers, chatBody(request, model.upstreamModel(), false))) {
            if (ex.status() != 200) {
                throw error(ex);
            }
            return ex.readAll(MAX_BODY, memory);
        }
    }

    /**
     * The body sent upstream for a chat request: the client's, with the provider's model id, {@code stream} set, and
     * for a stream {@code stream_options.include_usage} on (usage is what the stream is billed by). Those members are
     * written first; every other member is the client's bytes (see {@link ChatBody}). The client's request is left as
     * it was, for a fallback to start from.
     */
    public static BodyParts chatBody(ChatBody request, String upstreamModel, boolean stream) {
        Map<String, byte[]> set = new LinkedHashMap<>(4);
        set.put("model", ChatBody.member("model", TextNode.valueOf(upstreamModel)));
        set.put("stream", stream ? STREAM : NO_STREAM);
        if (stream) {
            JsonNode given = request.value("stream_options");
            if (given != null && given.isObject()) {
                ObjectNode options = ((ObjectNode) given).deepCopy();
                options.put("include_usage", true);
                set.put("stream_options", ChatBody.member("stream_options", options));
            } else {
                set.put("stream_options", USAGE);
            }
        } else {
            set.put("stream_options", null);
        }
        return request.bytesWith(set);
    }

    private ObjectNode answerObject(byte[] bytes) {
        JsonNode answer = parse(bytes);
        if (!answer.isObject()) {
            throw ProviderException.badResponse(upstream.provider(), "expected a JSON object");
        }
        return (ObjectNode) answer;
    }

    @Override
    public void stream(Model model, ChatBody request, ChunkListener listener) {
        String path = route.path("chat/completions", model.upstreamModel());
        try (Upstream.Exchange ex = upstream.post(path, headers, chatBody(request, model.upstreamModel(), true))) {
            if (ex.status() != 200) {
                throw error(ex);
            }
            ex.beforeWait(listener::beforeWait);
            SseReader reader = new SseReader(ex.body(), MAX_EVENT);
            while (true) {
                Optional<SseReader.Event> event;
                try {
                    event = reader.next();
                } catch (IOException e) {
                    throw ex.readFailure(e);
                }
                if (event.isEmpty()) {
                    throw ProviderException.badResponse(upstream.provider(), "the stream ended before [DONE]");
                }
                SseReader.Event e = event.get();
                if (e.dataIs("[DONE]")) {
                    ex.endOfAnswer();
                    return;
                }
                if (e.dataIs("")) {
                    continue;
                }
                Optional<StreamChunk> common = StreamChunk.scan(e.bytes());
                if (common.isPresent()) {
                    listener.onChunk(common.get());
                    continue;
                }
                JsonNode chunk = parse(e.bytes());
                if (chunk.has("error")) {
                    throw streamError(chunk.get("error"));
                }
                if (chunk.isObject()) {
                    listener.onChunk(StreamChunk.of((ObjectNode) chunk));
                }
            }
        }
    }

    @Override
    public String capField() {
        return completionCap ? "max_completion_tokens" : "max_tokens";
    }

    @Override
    public boolean servesResponses() {
        return servesResponses;
    }

    /** The client's Responses body with the provider's model id; every other member is the client's bytes. */
    @Override
    public Relayed.Answer responses(Model model, Relayed.Request request, AnswerMemory memory) {
        try (Upstream.Exchange ex = upstream.post(route.path("responses", model.upstreamModel()), headers, relayed(model, request))) {
            if (ex.status() != 200) {
                throw error(ex);
            }
            byte[] body = ex.readAll(MAX_BODY, memory);
            Completion response = Completion.scan(body).orElseGet(() -> Completion.of(answerObject(body)));
            JsonNode usage = response.usage();
            return new Relayed.Answer(response, usage == null ? Optional.empty() : ResponsesRelay.usage(usage));
        }
    }

    @Override
    public void streamResponses(Model model, Relayed.Request request, String answerModel, Relayed.FrameListener listener) {
        try (Upstream.Exchange ex = upstream.post(route.path("responses", model.upstreamModel()), headers, relayed(model, request))) {
            if (ex.status() != 200) {
                throw error(ex);
            }
            new ResponsesRelay(upstream.provider(), answerModel, listener).run(ex, MAX_EVENT);
        }
    }

    private static BodyParts relayed(Model model, Relayed.Request request) {
        return request.body().bytesWith(Map.of("model", ChatBody.member("model", TextNode.valueOf(model.upstreamModel()))));
    }

    /**
     * Images: the answer is relayed 64 KiB at a time as it arrives; only its first and last 64 KiB are kept, to find
     * {@code usage} without holding or decoding the image data.
     */
    @Override
    public Optional<JsonNode> generate(Model model, ObjectNode request, BodySink sink) {
        ObjectNode body = Json.shallowCopy(request);
        body.put("model", model.upstreamModel());
        try (Upstream.Exchange ex = upstream.post(route.path("images/generations", model.upstreamModel()), headers, Json.bytes(body))) {
            if (ex.status() != 200) {
                throw error(ex);
            }
            HeadTail kept = new HeadTail(64 * 1024);
            try (java.io.OutputStream out = sink.open(ex.contentLength())) {
                byte[] buf = new byte[64 * 1024];
                for (int n = read(ex, buf); n >= 0; n = read(ex, buf)) {
                    out.write(buf, 0, n);
                    kept.add(buf, n);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ImageUsage.find(kept.head(), kept.tail());
        }
    }

    private static int read(Upstream.Exchange ex, byte[] buf) {
        try {
            return ex.body().read(buf, 0, buf.length);
        } catch (IOException e) {
            throw ex.readFailure(e);
        }
    }

    private JsonNode parse(byte[] bytes) {
        try {
            return Json.readTree(bytes);
        } catch (IOException e) {
            throw ProviderException.badResponse(upstream.provider(), "invalid JSON");
        }
    }

    private ProviderException error(Upstream.Exchange ex) {
        String text;
        try {
            text = ex.readText(64 * 1024);
        } catch (ProviderException e) {
            text = "";
        }
        return ProviderException.fromStatus(upstream.provider(), ex.status(), upstreamMessage(text)).withRetryAfter(ex.header("retry-after"));
    }

    /** An error event inside a stream that had started (OpenAI sends {@code {"error":{...}}}). */
    private ProviderException streamError(JsonNode error) {
        String message = error.path("message").asText("stream failed");
        int status = error.path("code").isInt() ? error.path("code").asInt() : 500;
        return ProviderException.fromStatus(upstream.provider(), status >= 400 ? status : 500, message);
    }

    /** The provider's own error message, from OpenAI's {@code {"error":{"message":…}}} or Ollama's {@code {"error":"…"}}. */
    static String upstreamMessage(String body) {
        try {
            JsonNode n = Json.readTree(body);
            JsonNode err = n == null ? null : n.get("error");
            if (err != null && err.isObject() && err.has("message")) {
                return err.get("message").asText();
            }
            if (err != null && err.isTextual()) {
                return err.asText();
            }
        } catch (IOException ignored) {
            // not JSON: fall through to the raw text
        }
        return body.length() > 500 ? body.substring(0, 500) : body;
    }
}
