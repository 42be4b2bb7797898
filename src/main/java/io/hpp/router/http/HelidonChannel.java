package io.hpp.router.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.chat.ClientChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a pipeline's answer (chat or images) through Helidon. SSE events wait in a buffer until {@link #flush}: the
 * relay flushes before it waits for the provider, so events that arrived together leave in one write and none is held
 * back.
 */
final class HelidonChannel implements ClientChannel {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerResponse res;
    private OutputStream stream;
    private boolean unflushed;
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
     * Helidon frames the stream (chunked) and writes it when the relay flushes or its buffer fills. The router framed
     * the chunks itself for a while ({@code EventChunks}, taking the stream with a Content-Length it never reached so
     * that Helidon would not): fewer writes per stream (21.8 → 18.4), but no gain above the noise in CPU per stream or
     * first byte in alternated runs (bench/threads.sh 1000 10 2 stream, second runs: 497, 504 µs and 12, 61 ms with it;
     * 486, 504 µs and 31, 35 ms without), so Helidon's documented behaviour was preferred to that trick.
     */
    @Override
    public void openStream(Map<String, String> headers) {
        headers.forEach(res::header);
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        stream = res.outputStream();
    }

    @Override
    public void event(byte[] data) {
        try {
            stream.write(DATA);
            stream.write(data);
            stream.write(END);
            unflushed = true;
        } catch (IOException | RuntimeException e) {
            cut = true;
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void frame(byte[] sse) {
        try {
            stream.write(sse);
            unflushed = true;
        } catch (IOException | RuntimeException e) {
            cut = true;
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void flush() {
        if (!unflushed) {
            return;
        }
        unflushed = false;
        try {
            stream.flush();
        } catch (IOException | RuntimeException e) {
            cut = true;
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void closeStream() {
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            cut = true;
            throw new ClientGoneException(e);
        }
    }

    /** A write of the event stream failed: its last chunk may never have been sent, so the connection must not be kept. */
    boolean streamCut() {
        return cut;
    }
}
