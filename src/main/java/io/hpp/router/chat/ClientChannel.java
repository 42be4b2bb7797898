package io.hpp.router.chat;

import java.util.Map;

/** How the pipeline answers its client, whatever the HTTP server: one JSON body, or an event stream. */
public interface ClientChannel {

    void sendJson(int status, Map<String, String> headers, byte[] body);

    /**
     * Starts a JSON response whose body the caller writes (and closes) itself, for large bodies relayed as they
     * arrive; {@code contentLength} -1 when unknown. Writes fail with {@link ClientGoneException}.
     */
    java.io.OutputStream openBody(int status, Map<String, String> headers, long contentLength);

    /** Starts a 200 {@code text/event-stream} response with these headers. */
    void openStream(Map<String, String> headers);

    /**
     * Writes {@code data: <data>}; it reaches the client at the next {@link #flush} or {@link #closeStream}. Throws
     * {@link ClientGoneException} when the client left.
     */
    void event(byte[] data);

    /**
     * Writes an event already framed for the client ({@code event: …\ndata: …\n\n}), as {@link #event} does its
     * data.
     */
    void frame(byte[] sse);

    /** Sends the events written so far (nothing when there are none). */
    void flush();

    /** Ends the stream. */
    void closeStream();

    /** The client disconnected. */
    final class ClientGoneException extends RuntimeException {
        public ClientGoneException(Throwable cause) {
            super("client disconnected", cause, false, false);
        }
    }
}
