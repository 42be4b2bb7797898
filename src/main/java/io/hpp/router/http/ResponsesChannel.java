package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.chat.ClientChannel;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.responses.ChatToResponses;
import io.hpp.router.dialect.responses.ChatToResponsesStream;
import io.hpp.router.dialect.responses.ResponsesErrors;
import io.hpp.router.dialect.responses.ResponsesEvent;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The chat pipeline's answer, written to a Responses client in OpenAI's Responses shape: a {@code chat.completion}
 * becomes a {@code response} ({@link ChatToResponses}), a chat stream the Responses event sequence
 * ({@link ChatToResponsesStream}). The finished response is handed to {@code finished} (to be kept for
 * {@code previous_response_id}) before the client sees it, so a client that continues at once finds it.
 */
final class ResponsesChannel implements ClientChannel {
    private static final byte[] DONE = "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ClientChannel client;
    private final ObjectNode request;
    private final List<String> dropped;
    private final Consumer<ObjectNode> finished;
    private ChatToResponsesStream stream;

    /** @param request the Responses request as the client sent it (the response echoes its settings) */
    ResponsesChannel(ClientChannel client, ObjectNode request, List<String> dropped, Consumer<ObjectNode> finished) {
        this.client = client;
        this.request = request;
        this.dropped = dropped;
        this.finished = finished;
    }

    @Override
    public void sendJson(int status, Map<String, String> headers, byte[] body) {
        Translated.logDropped("Responses", headers, dropped);
        ObjectNode response = ChatToResponses.answer(Translated.chatObject(body), request);
        finished.accept(response);
        client.sendJson(status, headers, Json.bytes(response));
    }

    @Override
    public OutputStream openBody(int status, Map<String, String> headers, long contentLength) {
        throw new UnsupportedOperationException("a response is written whole");
    }

    @Override
    public void openStream(Map<String, String> headers) {
        Translated.logDropped("Responses", headers, dropped);
        stream = new ChatToResponsesStream(request);
        client.openStream(headers);
    }

    /** A chat chunk, {@code [DONE]}, or the error envelope of a stream cut short: the events they make. */
    @Override
    public void event(byte[] data) {
        if (java.util.Arrays.equals(data, DONE)) {
            write(stream.end());
            return;
        }
        ObjectNode chunk = Translated.chatObject(data);
        JsonNode failure = chunk.path("error");
        // the pipeline's error envelope of a cut stream: response.failed with the code Codex tells apart
        write(failure.isObject() ? stream.error(ResponsesErrors.streamCode(failure.path("code").asText("server_error")),
                failure.path("message").asText("the provider's stream failed")) : stream.onChunk(chunk));
    }

    @Override
    public void frame(byte[] sse) {
        client.frame(sse);
    }

    @Override
    public void flush() {
        client.flush();
    }

    /** Ends the stream; one the pipeline ends without {@code [DONE]} or an error ends in {@code response.failed}. */
    @Override
    public void closeStream() {
        try {
            write(stream.end());
        } finally {
            client.closeStream();
        }
    }

    private void write(List<ResponsesEvent> events) {
        for (ResponsesEvent e : events) {
            if (e.type().equals("response.completed") || e.type().equals("response.incomplete")) {
                finished.accept((ObjectNode) e.data().path("response"));
            }
            client.frame(e.sse());
        }
    }
}
