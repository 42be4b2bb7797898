package io.hpp.router.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads Server-Sent Events from a byte stream: {@code event:} and {@code data:} lines up to a blank line make one
 * event. Events larger than a cap are refused, so a broken upstream cannot fill our memory.
 */
public final class SseReader {
    /** One event; {@code event} is empty when the stream did not name it. */
    public record Event(Optional<String> event, String data) {
    }

    private final InputStream in;
    private final int maxEventBytes;
    private final byte[] buf = new byte[2048];
    private int pos;
    private int limit;

    public SseReader(InputStream in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    /** The next event, or empty at the end of the stream. */
    public Optional<Event> next() throws IOException {
        String name = null;
        StringBuilder data = null;
        int size = 0;
        while (true) {
            String line = readLine();
            if (line == null) {
                return data == null ? Optional.empty() : Optional.of(new Event(Optional.ofNullable(name), data.toString()));
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return Optional.of(new Event(Optional.ofNullable(name), data.toString()));
                }
                name = null;
                continue;
            }
            size += line.length();
            if (size > maxEventBytes) {
                throw new IOException("upstream event larger than " + maxEventBytes + " bytes");
            }
            if (line.startsWith("data:")) {
                String value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = null;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line == null ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            if (line == null) {
                line = new ByteArrayOutputStream(Math.max(64, pos - start));
            }
            line.write(buf, start, pos - start);
            if (line.size() > maxEventBytes) {
                throw new IOException("upstream line longer than " + maxEventBytes + " bytes");
            }
            if (pos < limit) {
                pos++;
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
        }
    }
}
