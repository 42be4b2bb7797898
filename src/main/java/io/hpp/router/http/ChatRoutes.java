package io.hpp.router.http;

import io.helidon.http.Method;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.chat.ChatService;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.upstream.AnswerMemory;

/** {@code POST /llm/v1/chat/completions}: authenticates, then hands the body to the chat pipeline. */
final class ChatRoutes {
    private final Authenticator auth;
    private final ChatService chat;

    ChatRoutes(Authenticator auth, ChatService chat) {
        this.auth = auth;
        this.chat = chat;
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, "/llm/v1/chat/completions", this::complete);
    }

    private void complete(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        byte[] body = Requests.body(req); // first: a refusal here is logged as a plain request
        AnswerMemory memory = Requests.answerMemory(req);
        HelidonChannel channel = new HelidonChannel(res);
        chat.handle(key, RequestTag.pipelined(req).id, body, channel, memory);
        if (channel.streamCut()) {
            throw new CloseConnectionException("the event stream was cut by a failed write");
        }
    }
}
