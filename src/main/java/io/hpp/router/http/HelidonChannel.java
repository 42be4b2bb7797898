package io.hpp.router.http;

import io.hpp.router.chat.ClientChannel;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes a pipeline's answer (chat or images) through Helidon. SSE events wait in a buffer until {@link #flush}: the
 * relay flushes before it waits for the provider, so events that arrived together leave in one write and none is held
 * back.
 */
final class HelidonChannel implements ClientChannel {
    private static final String UNREACHED_LENGTH = Long.toString(Long.MAX_VALUE);

    private final ServerResponse res;
    private OutputStream stream;
    private EventChunks chunks;
    private boolean cut;

    HelidonChannel(ServerResponse res) {
        this.res = res;
    }

    @Override
    public void sendJson(int status, Map<String, String> headers, byte[] body) {
        headers.forEach(res::header);
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    @Override
    public OutputStream openBody(int status, Map<String, String> headers, long contentLength) {
        headers.forEach(res::header);
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (contentLength >= 0) {
            res.contentLength(contentLength);
        }
        OutputStream raw = res.outputStream();
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    raw.write(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw new ClientGoneException(e);
                }
            }

            @Override
            public void close() {
                try {
                    raw.close();
                } catch (IOException | RuntimeException e) {
                    throw new ClientGoneException(e);
                }
            }
        };
    }

    /**
     * The stream's chunks are framed here ({@link EventChunks}), so that the response head and the first events leave
     * in one write and the last events and the last chunk in one more; Helidon's chunking takes two writes for each
     * (with {@code bench/syscalls.sh hpp-router 1000 stream}: 21.8 writes per stream before, 18.4 after). Helidon
     * decides whether it frames a response when the output stream is taken, from the Content-Length header, and writes
     * the head when the first bytes come: so the stream is taken with a Content-Length it never reaches (Helidon only
     * checks that it is not exceeded) and the head is then changed to {@code Transfer-Encoding: chunked}.
     * {@code ChatStreamWireTest} holds the framing to the bytes a client receives, keep-alive included.
     */
    @Override
    public void openStream(Map<String, String> headers) {
        headers.forEach(res::header);
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.CONTENT_LENGTH, UNREACHED_LENGTH);
        stream = res.outputStream();
        // the head itself: ServerResponse.header refuses changes once the stream is taken
        res.headers().remove(HeaderNames.CONTENT_LENGTH);
        res.headers().set(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        chunks = new EventChunks();
    }

    @Override
    public void event(byte[] data) {
        chunks.event(data);
        if (chunks.full()) { // a provider that never pauses is relayed in bounded chunks
            write(false);
        }
    }

    @Override
    public void flush() {
        if (!chunks.isEmpty()) {
            write(false);
        }
    }

    @Override
    public void closeStream() {
        write(true);
    }

    private void write(boolean last) {
        try {
            chunks.writeTo(stream, last);
            if (last) {
                stream.close();
            }
        } catch (IOException | RuntimeException e) {
            cut = true;
            throw new ClientGoneException(e);
        }
    }

    /**
     * A write of the event stream failed: its last chunk was never sent, and Helidon, which does not frame it, will not
     * send one, so the connection must not be kept.
     */
    boolean streamCut() {
        return cut;
    }
}
