package io.hpp.router.http;

import io.helidon.http.Method;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.chat.ChatService;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.upstream.AnswerMemory;

/**
 * OpenAI's Responses API: {@code POST /llm/v1/responses} (for Codex and the OpenAI SDKs' {@code responses.create}),
 * on every chat model, and the responses the router keeps: {@code GET} and {@code DELETE /llm/v1/responses/{id}}, for
 * the consumer that made them only. Errors are in OpenAI's shape ({@link ErrorResponses} tells these paths apart).
 */
final class ResponsesRoutes {
    static final String RESPONSES = "/llm/v1/responses";

    private final Authenticator auth;
    private final ChatService chat;
    private final ResponsesConversations conversations;

    ResponsesRoutes(Authenticator auth, ChatService chat, ResponsesConversations conversations) {
        this.auth = auth;
        this.chat = chat;
        this.conversations = conversations;
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, RESPONSES, this::create);
        routes.add(Method.GET, RESPONSES + "/{id}", this::retrieve);
        routes.add(Method.DELETE, RESPONSES + "/{id}", this::delete);
    }

    private void create(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        byte[] body = Requests.body(req);
        AnswerMemory memory = Requests.answerMemory(req);
        HelidonChannel channel = new HelidonChannel(res);
        chat.handle(key, RequestTag.pipelined(req).id, new ResponsesFront(body, key.consumerId(), conversations), channel, memory);
        if (channel.streamCut()) {
            throw new CloseConnectionException("the event stream was cut by a failed write");
        }
    }

    private void retrieve(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        String id = req.path().pathParameters().get("id");
        Responses.json(res, conversations.find(id, key.consumerId()).orElseThrow(() -> notFound(id)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        String id = req.path().pathParameters().get("id");
        if (!conversations.delete(id, key.consumerId())) {
            throw notFound(id);
        }
        Responses.json(res, Json.object().put("id", id).put("object", "response").put("deleted", true));
    }

    /** Another consumer's response is not found either: its existence is not told. */
    private static ApiException notFound(String id) {
        return new ApiException(404, "not_found", "No response found with id '" + id + "'");
    }
}
