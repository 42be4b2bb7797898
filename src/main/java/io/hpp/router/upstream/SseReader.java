package io.hpp.router.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads Server-Sent Events from a byte stream: {@code event:} and {@code data:} lines up to a blank line make one
 * event, whose data is kept as the bytes that arrived (several data lines joined by a line feed). Events larger than
 * a cap, or a line longer than it, are refused as a {@link MalformedAnswerException} as soon as the cap is passed, so a
 * broken upstream cannot fill our memory (the reader holds at most about twice the cap).
 */
public final class SseReader {
    /** One event; {@code event} is empty when the stream did not name it. */
    public record Event(Optional<String> event, byte[] bytes) {
        /** The data as text. */
        public String data() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** Whether the data, without surrounding white space, is {@code text} (ASCII). */
        public boolean dataIs(String text) {
            int from = 0;
            int to = bytes.length;
            while (from < to && bytes[from] <= ' ') {
                from++;
            }
            while (to > from && bytes[to - 1] <= ' ') {
                to--;
            }
            if (to - from != text.length()) {
                return false;
            }
            for (int i = 0; i < text.length(); i++) {
                if (bytes[from + i] != text.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final byte[] LINE_FEED = {'\n'};

    private final InputStream in;
    private final int maxEventBytes;
    private final byte[] buf = new byte[2048];
    private int pos;
    private int limit;
    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[256];
    private int dataLength;

    public SseReader(InputStream in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    /** The next event, or empty at the end of the stream. */
    public Optional<Event> next() throws IOException {
        String name = null;
        boolean hasData = false;
        dataLength = 0;
        int size = 0;
        while (true) {
            if (!readLine()) {
                return hasData ? Optional.of(event(name)) : Optional.empty();
            }
            if (lineLength == 0) {
                if (hasData) {
                    return Optional.of(event(name));
                }
                name = null;
                size = 0; // comments and names without data (keep-alives) are no part of the next event
                continue;
            }
            size += lineLength;
            if (size > maxEventBytes) {
                throw new MalformedAnswerException("an event larger than " + maxEventBytes + " bytes");
            }
            if (startsWith("data:")) {
                int from = lineLength > 5 && line[5] == ' ' ? 6 : 5;
                if (hasData) {
                    appendData(LINE_FEED, 0, 1);
                }
                appendData(line, from, lineLength - from);
                hasData = true;
            } else if (startsWith("event:")) {
                name = new String(line, 6, lineLength - 6, StandardCharsets.UTF_8).trim();
            }
        }
    }

    private Event event(String name) {
        return new Event(Optional.ofNullable(name), Arrays.copyOf(data, dataLength));
    }

    /** Reads the next line (without its CR LF or LF) into {@code line}; false at the end of the stream. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any;
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            if (lineLength + pos - start > maxEventBytes) {
                throw new MalformedAnswerException("an event line longer than " + maxEventBytes + " bytes");
            }
            line = append(line, lineLength, buf, start, pos - start);
            lineLength += pos - start;
            any = true;
            if (pos < limit) {
                pos++;
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
        }
    }

    private boolean startsWith(String prefix) {
        if (lineLength < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void appendData(byte[] src, int from, int length) {
        data = append(data, dataLength, src, from, length);
        dataLength += length;
    }

    /** {@code dst} (grown when needed) with {@code length} bytes of {@code src} written at {@code at}. */
    private static byte[] append(byte[] dst, int at, byte[] src, int from, int length) {
        if (at + length > dst.length) {
            dst = Arrays.copyOf(dst, Math.max(dst.length * 2, at + length));
        }
        System.arraycopy(src, from, dst, at, length);
        return dst;
    }
}
