package io.hpp.router.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.chat.ChatService;
import io.hpp.router.store.ApiKeyRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Anthropic's Messages API: {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens} (with any query
 * string: Claude Code appends {@code ?beta=true}), for Claude Code and the Anthropic SDKs, on every chat model. Errors
 * are in Anthropic's shape ({@link ErrorResponses} tells these paths apart).
 */
final class MessagesRoutes {
    static final String MESSAGES = "/v1/messages";
    static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    private static final HeaderName VERSION = HeaderNames.create("anthropic-version");
    private static final HeaderName BETA = HeaderNames.create("anthropic-beta");

    private final Authenticator auth;
    private final ChatService chat;
    private final MessagesChannel.Pings pings;

    MessagesRoutes(Authenticator auth, ChatService chat, MessagesChannel.Pings pings) {
        this.auth = auth;
        this.chat = chat;
        this.pings = pings;
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, MESSAGES, this::messages);
        routes.add(Method.POST, COUNT_TOKENS, this::countTokens);
    }

    private void messages(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        byte[] body = Requests.body(req);
        HelidonChannel channel = new HelidonChannel(res);
        chat.handle(key, RequestTag.pipelined(req).id, new MessagesFront("messages", body, passedOn(req), pings), channel, Requests.answerMemory(req));
        if (channel.streamCut()) {
            throw new CloseConnectionException("the event stream was cut by a failed write");
        }
    }

    private void countTokens(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        byte[] body = Requests.body(req);
        chat.countTokens(key, RequestTag.pipelined(req).id, new MessagesFront("count_tokens", body, passedOn(req), pings),
                new HelidonChannel(res), Requests.answerMemory(req));
    }


    /** The client's API version and betas: Anthropic reads the body by them. */
    private static Map<String, String> passedOn(ServerRequest req) {
        Map<String, String> h = new LinkedHashMap<>(2);
        req.headers().first(VERSION).ifPresent(v -> h.put("anthropic-version", v));
        req.headers().first(BETA).ifPresent(v -> h.put("anthropic-beta", v));
        return h;
    }
}
