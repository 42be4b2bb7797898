package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.chat.ClientChannel;
import io.hpp.router.chat.Front;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.responses.ResponsesErrors;
import io.hpp.router.dialect.responses.ResponsesEvent;
import io.hpp.router.dialect.responses.ResponsesToChat;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Relayed;
import io.hpp.router.provider.ResponsesUpstream;
import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.value.Model;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.ChatRequest;
import io.hpp.router.wire.Completion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One request of OpenAI's Responses API as the chat pipeline sees it. Its {@code previous_response_id} is expanded
 * first ({@link ResponsesConversations}); then it is relayed to a provider that serves the Responses API (OpenAI: the
 * client's bytes but {@code model}, {@code store: false} since the router keeps the conversation, and the expanded
 * {@code input} when there was one) and translated into a chat request for every other. A finished response is kept
 * (unless {@code store: false}) before the client sees it.
 */
final class ResponsesFront implements Front {
    private static final byte[] COMPLETED = "event: response.completed\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INCOMPLETE = "event: response.incomplete\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CREATED = "event: response.created\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IN_PROGRESS = "event: response.in_progress\n".getBytes(StandardCharsets.US_ASCII);

    private final byte[] raw;
    private final String consumerId;
    private final ResponsesConversations conversations;
    private ChatBody body;
    /** The request as the client sent it (a response echoes its settings) and as it runs (its conversation expanded). */
    private ObjectNode given;
    private ObjectNode request;
    private ArrayNode input;
    private boolean storing;
    private List<String> dropped = List.of();
    /** The events relayed so far and the response's id, for the {@code response.failed} that ends a cut stream. */
    private int relayedEvents;
    private String responseId = "";

    ResponsesFront(byte[] raw, String consumerId, ResponsesConversations conversations) {
        this.raw = raw;
        this.consumerId = consumerId;
        this.conversations = conversations;
    }

    @Override
    public String endpoint() {
        return "responses";
    }

    /** The body walked (within the element limits), its conversation expanded, translated; 400 when it is not valid. */
    @Override
    public ChatRequest request() {
        ResponsesToChat.Read read = ResponsesToChat.read(raw);
        given = read.tree();
        storing = ResponsesConversations.storing(given);
        ResponsesConversations.Expanded expanded = conversations.expand(given, consumerId);
        request = expanded.request();
        input = expanded.input();
        body = request == given ? read.body() : ChatBody.of(request);
        ResponsesToChat.Parsed parsed = ResponsesToChat.chat(body, request);
        dropped = parsed.dropped();
        return parsed.chat();
    }

    @Override
    public ClientChannel answers(ClientChannel client, ChatRequest chat, LongSupplier inputTokens) {
        return new ResponsesChannel(client, given, dropped, this::finished);
    }

    @Override
    public Optional<Relay> relayTo(Provider provider) {
        if (!(provider instanceof ResponsesUpstream openai) || !openai.servesResponses()) {
            return Optional.empty();
        }
        return Optional.of(new Relay() {
            @Override
            public Relayed.Answer complete(Model model, Optional<Long> loweredCap, AnswerMemory memory) {
                Relayed.Answer answer = openai.responses(model, sent(loweredCap), memory);
                if (!storing) {
                    return answer;
                }
                // kept by the router: the client is told store: true (OpenAI was sent false)
                ObjectNode response = object(answer.message().text().getBytes(StandardCharsets.UTF_8));
                response.put("store", true);
                finished(response.deepCopy().put("model", model.id()));
                return new Relayed.Answer(Completion.of(response), answer.usage());
            }

            @Override
            public void stream(Model model, Optional<Long> loweredCap, String answerModel, Relayed.FrameListener listener) {
                relayedEvents = 0;
                openai.streamResponses(model, sent(loweredCap), answerModel, new Relayed.FrameListener() {
                    @Override
                    public void onFrame(Relayed.Frame frame) {
                        relayedEvents++;
                        listener.onFrame(watch(frame));
                    }

                    @Override
                    public void beforeWait() {
                        listener.beforeWait();
                    }
                });
            }
        });
    }

    /**
     * Notes the response's id from its first event; when the router keeps the response, tells the client so in the
     * events that carry it ({@code store: true}; OpenAI was sent false) and keeps the finished one before the client
     * gets it. Only those few events are read; the rest pass as they came.
     */
    private Relayed.Frame watch(Relayed.Frame frame) {
        byte[] sse = frame.sse();
        boolean created = startsWith(sse, CREATED);
        boolean last = startsWith(sse, COMPLETED) || startsWith(sse, INCOMPLETE);
        if (!created && !(storing && (last || startsWith(sse, IN_PROGRESS)))) {
            return frame;
        }
        String text = new String(sse, StandardCharsets.UTF_8);
        int data = text.indexOf("\ndata: ");
        ObjectNode event = object(text.substring(data + 7).trim().getBytes(StandardCharsets.UTF_8));
        if (!(event.get("response") instanceof ObjectNode response)) {
            return frame;
        }
        if (created) {
            responseId = response.path("id").asText("");
        }
        if (!storing) {
            return frame;
        }
        response.put("store", true);
        if (last) {
            finished(response);
        }
        return Relayed.Frame.of(text.substring("event: ".length(), data), Json.bytes(event), frame.usage(), frame.text());
    }

    /**
     * The body sent upstream: the client's bytes (or the expanded request), {@code store: false} (the conversation is
     * the router's), {@code max_output_tokens} lowered to what the balance pays if it had to be.
     */
    private Relayed.Request sent(Optional<Long> loweredCap) {
        ChatBody b = body.with("store", false);
        return new Relayed.Request(loweredCap.map(c -> b.with("max_output_tokens", c)).orElse(b), java.util.Map.of());
    }

    private void finished(ObjectNode response) {
        if (storing) {
            conversations.keep(consumerId, input, response);
        }
    }

    /** A relayed stream cut after it started: {@code response.failed}, numbered after the events relayed. */
    @Override
    public byte[] cutFrame(ProviderException e) {
        ObjectNode data = Json.object().put("type", "response.failed").put("sequence_number", relayedEvents);
        ObjectNode response = data.putObject("response");
        response.put("id", responseId).put("object", "response").put("status", "failed");
        response.putObject("error").put("code", ResponsesErrors.streamCode(e.code())).put("message", e.getMessage());
        response.putArray("output");
        return new ResponsesEvent("response.failed", data).sse();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode object(byte[] json) {
        return Json.readObject(json).orElseGet(Json::object);
    }
}
