package io.hpp.router.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SSE events framed as HTTP/1.1 chunks by the router itself (RFC 9112 §7.1): the events written since the last
 * {@link #writeTo} leave as one chunk, and the stream's last events leave in the same write as the last chunk
 * ({@code 0\r\n\r\n}). Helidon's own chunking writes the response head and the first chunk in two system calls, and the
 * last chunk in a third; see {@link HelidonChannel#openStream}.
 */
final class EventChunks {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Room before the events for the chunk's size line: at most 8 hex digits and CRLF. */
    private static final int HEAD = 10;
    /** The most a chunk gathers before it is written. */
    private static final int FULL = 16 * 1024;
    /** A buffer grown past this (for one large event) is not kept for the rest of the stream. */
    private static final int KEEP = 64 * 1024;

    private byte[] buf = new byte[2048];
    private int end = HEAD;

    /** Appends {@code data: <data>\n\n}. */
    void event(byte[] data) {
        room(DATA.length + data.length + 2);
        System.arraycopy(DATA, 0, buf, end, DATA.length);
        end += DATA.length;
        System.arraycopy(data, 0, buf, end, data.length);
        end += data.length;
        buf[end++] = '\n';
        buf[end++] = '\n';
    }

    boolean isEmpty() {
        return end == HEAD;
    }

    /** Holds as much as a chunk should: write it now rather than wait for the provider to pause. */
    boolean full() {
        return end - HEAD >= FULL;
    }

    /**
     * Writes the events appended so far as one chunk, followed by the last chunk when {@code last}, in one write, and
     * flushes {@code out}.
     */
    void writeTo(OutputStream out, boolean last) throws IOException {
        int start = HEAD;
        if (end > HEAD) {
            int size = end - HEAD;
            buf[HEAD - 2] = '\r';
            buf[HEAD - 1] = '\n';
            start = HEAD - 2;
            do {
                buf[--start] = HEX[size & 0xf];
                size >>>= 4;
            } while (size != 0);
            room(2);
            buf[end++] = '\r';
            buf[end++] = '\n';
        }
        if (last) {
            room(LAST.length);
            System.arraycopy(LAST, 0, buf, end, LAST.length);
            end += LAST.length;
        }
        out.write(buf, start, end - start);
        out.flush();
        end = HEAD;
        if (buf.length > KEEP) {
            buf = new byte[2048];
        }
    }

    private void room(int n) {
        if (end + n > buf.length) {
            byte[] grown = new byte[Math.max(buf.length * 2, end + n)];
            System.arraycopy(buf, 0, grown, 0, end);
            buf = grown;
        }
    }
}
