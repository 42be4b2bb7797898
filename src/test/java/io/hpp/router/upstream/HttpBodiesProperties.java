package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import io.hpp.router.wire.BodyParts;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Our own body framings ({@link HttpBodies}) replace a library's, so they are held to the unframed body: random bodies
 * (CR, LF and chunk syntax among their bytes) framed as chunked (1-byte to large chunks, hex sizes in either case with
 * leading zeros, extensions with tokens and quoted strings, 0 to 3 trailers) or by length, arriving in reads split
 * anywhere (single bytes, across CRLFs and size lines) and read in random sizes. The reader gives exactly the body,
 * says when it has ended, and leaves every byte after the message unread, where the connection sees it (a next answer
 * or junk must never be read as part of this one). A damaged framing (a size with a non-hex character or beyond a
 * long's 15 hex digits, no CRLF after a chunk's data, a stream cut short) is always an error, the body's bytes given
 * before it a prefix of the body: never a silently different body.
 */
class HttpBodiesProperties {
    private static final String TOKEN = "abcxyzABCXYZ0189-_!#$%&'*+.^`|~";
    private static final String QUOTED = "abcF09 \t;=,:/\u0080\u00b2\u00ff";
    private static final String NOT_HEX = "gGxXzZhH-+.,:/_\"'=\u00b2\u00c3\u00ff";
    private static final List<String> OVERFLOWING = List.of("10000000000000000", "8000000000000000", "ffffffffffffffff",
            "FFFFFFFFFFFFFFFFFFFF", "1000000000000000a");
    private static final List<String> LOOKALIKES = List.of("\r\n", "\n", "\r", "0\r\n\r\n", "1a;x=\"y\"\r\n", "FFFF\r\n",
            "HTTP/1.1 200 OK\r\n", ";", "0\r\nX-T: 1\r\n\r\n");

    /** A chunked message as sent, and where each of its chunks is in it, to damage it. */
    record Chunked(byte[] bytes, List<Chunk> chunks) {
    }

    /** A chunk's hex size digits {@code [hexStart, hexEnd)} and data {@code [dataStart, dataEnd)}; the last chunk has no data. */
    record Chunk(int hexStart, int hexEnd, int dataStart, int dataEnd) {
    }

    /** What is done to a framing: a cut stream is an {@link EOFException}, the rest a {@link MalformedAnswerException}. */
    enum Damage { NON_HEX_SIZE, NO_CRLF_AFTER_DATA, OVERFLOWING_SIZE, TRUNCATED_CHUNKED, TRUNCATED_LENGTH }

    @Property(tries = 500)
    void aChunkedBodyIsItsDataAndLeavesWhatFollowsUnread(@ForAll long seed, @ForAll @IntRange(max = 200_000) int length,
            @ForAll @IntRange(min = 1, max = 70_000) int maxChunk, @ForAll @IntRange(min = 1, max = 9_000) int maxSplit,
            @ForAll @IntRange(min = 1, max = 9_000) int maxRead) throws IOException {
        Random r = new Random(seed);
        byte[] body = body(r, length);
        Chunked message = chunked(r, body, maxChunk);
        byte[] after = after(r);
        HttpBodies.SocketInput socket = new HttpBodies.SocketInput(new SplitInput(concat(message.bytes(), after), r, maxSplit));
        HttpBodies.ChunkedInput reader = new HttpBodies.ChunkedInput(socket);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        readTo(reader, got, r, maxRead, n -> {
            if (reader.ended() || reader.available() > body.length - n) {
                fail("ended %s, available %d after %d of %d bytes: %s", reader.ended(), reader.available(), n, body.length,
                        show(message.bytes()));
            }
        });
        assertSameBody(got.toByteArray(), body, message.bytes());
        assertEndedLeaving(reader, socket, after, message.bytes());
    }

    @Property(tries = 300)
    void aLengthBodyIsItsBytesAndLeavesWhatFollowsUnread(@ForAll long seed, @ForAll @IntRange(max = 200_000) int length,
            @ForAll @IntRange(min = 1, max = 9_000) int maxSplit, @ForAll @IntRange(min = 1, max = 9_000) int maxRead)
            throws IOException {
        Random r = new Random(seed);
        byte[] body = body(r, length);
        byte[] after = after(r);
        HttpBodies.SocketInput socket = new HttpBodies.SocketInput(new SplitInput(concat(body, after), r, maxSplit));
        HttpBodies.FixedInput reader = new HttpBodies.FixedInput(socket, length);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        readTo(reader, got, r, maxRead, n -> {
            if (reader.ended() != (n == length) || reader.available() > length - n) {
                fail("ended %s, available %d after %d of %d bytes", reader.ended(), reader.available(), n, length);
            }
        });
        assertSameBody(got.toByteArray(), body, body);
        assertEndedLeaving(reader, socket, after, body);
    }

    @Property(tries = 1000)
    void aDamagedFramingIsAnErrorNeverAnotherBody(@ForAll long seed, @ForAll Damage damage,
            @ForAll @IntRange(min = 1, max = 20_000) int length, @ForAll @IntRange(min = 1, max = 5_000) int maxChunk,
            @ForAll @IntRange(min = 1, max = 9_000) int maxSplit, @ForAll @IntRange(min = 1, max = 9_000) int maxRead) {
        Random r = new Random(seed);
        byte[] body = body(r, length);
        Chunked message = chunked(r, body, maxChunk);
        byte[] sent = damaged(message, body, damage, r);
        HttpBodies.SocketInput socket = new HttpBodies.SocketInput(new SplitInput(sent, r, maxSplit));
        HttpBodies.BlockInput reader = damage == Damage.TRUNCATED_LENGTH
                ? new HttpBodies.FixedInput(socket, length) : new HttpBodies.ChunkedInput(socket);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Throwable thrown = catchThrowable(() -> readTo(reader, got, r, maxRead, n -> {
            if (reader.available() > body.length - n) {
                fail("available %d after %d of %d bytes: %s", reader.available(), n, body.length, show(sent));
            }
        }));
        byte[] given = got.toByteArray();
        assertThat(thrown).as("%s read %d of %d bytes: %s", damage, given.length, body.length, show(sent))
                .isInstanceOf(damage.name().startsWith("TRUNCATED") ? EOFException.class : MalformedAnswerException.class);
        assertThat(given.length <= body.length && Arrays.equals(given, 0, given.length, body, 0, given.length))
                .as("the %d bytes given before the error are the body's first: %s", given.length, show(sent)).isTrue();
    }

    /** Through the connection as it is used: head, then body; at the body's end it is pooled exactly when nothing follows. */
    @Property(tries = 300)
    void aBodyReadToItsEndGivesBackItsConnectionOnlyWhenNothingFollows(@ForAll long seed, @ForAll boolean chunked,
            @ForAll @IntRange(max = 20_000) int length, @ForAll @IntRange(min = 1, max = 5_000) int maxChunk,
            @ForAll @IntRange(min = 1, max = 9_000) int maxSplit, @ForAll @IntRange(min = 1, max = 9_000) int maxRead)
            throws IOException {
        Random r = new Random(seed);
        byte[] body = body(r, length);
        byte[] framed = chunked ? chunked(r, body, maxChunk).bytes() : body;
        byte[] after = after(r);
        String head = "HTTP/1.1 200 OK\r\n" + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + length) + "\r\n\r\n";
        InputStream sent = new SplitInput(concat(latin1(head), framed, after), r, maxSplit);
        Socket socket = new Socket() { // never connected: its input is scripted, its output dropped; it closes as any socket
            @Override
            public InputStream getInputStream() {
                return sent;
            }

            @Override
            public OutputStream getOutputStream() {
                return OutputStream.nullOutputStream();
            }
        };
        try (ConnectionPool pool = new ConnectionPool(URI.create("http://127.0.0.1:9"), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 4, Transport.direct())) {
            HttpConnection.Response answer = new HttpConnection(socket, pool, "127.0.0.1:9")
                    .post("/v1/x", Map.of(), BodyParts.of(new byte[] {'{', '}'}));
            assertThat(answer.status()).isEqualTo(200);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (InputStream in = answer.body()) {
                readTo(in, got, r, maxRead, n -> { });
            }
            assertSameBody(got.toByteArray(), body, framed);
            assertThat(pool.idleCount()).as("pooled, with %d bytes after the body", after.length).isEqualTo(after.length == 0 ? 1 : 0);
            assertThat(socket.isClosed()).as("closed, with %d bytes after the body", after.length).isEqualTo(after.length > 0);
        }
    }

    // ---- reading

    /** Something checked before each read, given the bytes read so far. */
    interface Check {
        void at(int got) throws IOException;
    }

    /** Reads {@code in} to its end, in reads of 1 to {@code maxRead} bytes (some single-byte reads) at random offsets. */
    private static void readTo(InputStream in, ByteArrayOutputStream got, Random r, int maxRead, Check check) throws IOException {
        byte[] buf = new byte[maxRead + 3];
        while (true) {
            check.at(got.size());
            int len = 1 + r.nextInt(maxRead);
            int off = r.nextInt(4);
            int n = r.nextInt(8) == 0 ? single(in, buf, off) : in.read(buf, off, len);
            if (n < 0) {
                return;
            }
            if (n == 0 || n > len) {
                fail("a read of %d bytes gave %d", len, n);
            }
            got.write(buf, off, n);
        }
    }

    /** A read of one byte by {@code read()}, as {@code read(byte[], int, int)} gives it. */
    private static int single(InputStream in, byte[] buf, int off) throws IOException {
        int c = in.read();
        buf[off] = (byte) c;
        return c < 0 ? -1 : 1;
    }

    private static void assertSameBody(byte[] got, byte[] body, byte[] sent) {
        assertThat(Arrays.mismatch(got, body)).as("the first byte that differs (-1: none), of %d read and %d in the body: %s",
                got.length, body.length, show(sent)).isEqualTo(-1);
    }

    /** At its end the reader stays ended, and exactly {@code after} is left in the socket's input, seen as unread. */
    private static void assertEndedLeaving(HttpBodies.BlockInput reader, HttpBodies.SocketInput socket, byte[] after, byte[] sent)
            throws IOException {
        assertThat(reader.ended()).as("ended: %s", show(sent)).isTrue();
        assertThat(reader.read()).isEqualTo(-1);
        assertThat(reader.read(new byte[8], 0, 8)).isEqualTo(-1);
        assertThat(reader.available()).isZero();
        assertThat(socket.available()).as("bytes after the body are seen as unread: %s", show(sent)).isEqualTo(after.length);
        assertThat(socket.readAllBytes()).as("what follows the body is left whole: %s", show(sent)).isEqualTo(after);
    }

    // ---- messages

    /** Random bytes, with runs that look like framing (CRLF, size lines, a last chunk, a status line). */
    private static byte[] body(Random r, int length) {
        byte[] b = new byte[length];
        int i = 0;
        while (i < length) {
            if (r.nextInt(4) == 0) {
                byte[] f = latin1(LOOKALIKES.get(r.nextInt(LOOKALIKES.size())));
                int n = Math.min(f.length, length - i);
                System.arraycopy(f, 0, b, i, n);
                i += n;
            } else {
                for (int end = Math.min(length, i + 1 + r.nextInt(64)); i < end; i++) {
                    b[i] = (byte) r.nextInt(256);
                }
            }
        }
        return b;
    }

    private static Chunked chunked(Random r, byte[] body, int maxChunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        List<Chunk> chunks = new ArrayList<>();
        for (int at = 0; at < body.length; ) {
            int size = Math.min(body.length - at, r.nextInt(8) == 0 ? 1 : 1 + r.nextInt(maxChunk));
            int hexStart = out.size();
            out.writeBytes(latin1(hex(r, size)));
            int hexEnd = out.size();
            out.writeBytes(latin1(extensions(r) + "\r\n"));
            int dataStart = out.size();
            out.write(body, at, size);
            at += size;
            chunks.add(new Chunk(hexStart, hexEnd, dataStart, out.size()));
            out.writeBytes(latin1("\r\n"));
        }
        int hexStart = out.size();
        out.writeBytes(latin1(hex(r, 0)));
        chunks.add(new Chunk(hexStart, out.size(), -1, -1));
        out.writeBytes(latin1(extensions(r) + "\r\n"));
        for (int t = r.nextInt(4); t > 0; t--) {
            out.writeBytes(latin1(token(r) + ":" + space(r) + text(r, QUOTED + "\"\\") + "\r\n"));
        }
        out.writeBytes(latin1("\r\n"));
        return new Chunked(out.toByteArray(), chunks);
    }

    /** A size in hex: lower, upper or mixed case, sometimes with leading zeros (at most 15 digits in all). */
    private static String hex(Random r, int size) {
        String digits = Integer.toHexString(size);
        StringBuilder sb = new StringBuilder(r.nextInt(6) == 0 ? "0".repeat(r.nextInt(16 - digits.length())) : "");
        int mode = r.nextInt(3);
        for (char c : digits.toCharArray()) {
            sb.append(mode == 0 || (mode == 2 && r.nextBoolean()) ? c : Character.toUpperCase(c));
        }
        return sb.toString();
    }

    /** None, or 1 to 3 of {@code ;name}, {@code ;name=token}, {@code ;name="quoted"}, with optional white space around. */
    private static String extensions(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0; n > 0; n--) {
            sb.append(space(r)).append(';').append(space(r)).append(token(r));
            if (r.nextInt(3) > 0) {
                sb.append(space(r)).append('=').append(space(r))
                        .append(r.nextBoolean() ? token(r) : '"' + text(r, QUOTED) + (r.nextBoolean() ? "\\\"" : "") + '"');
            }
        }
        return sb.toString();
    }

    private static String token(Random r) {
        return TOKEN.charAt(r.nextInt(TOKEN.length())) + text(r, TOKEN);
    }

    private static String text(Random r, String chars) {
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(20); n > 0; n--) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    private static String space(Random r) {
        return List.of("", "", "", " ", "\t").get(r.nextInt(5));
    }

    /** What follows the message on the connection: nothing, a next answer, a last chunk, a line end, or junk. */
    private static byte[] after(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> new byte[0];
            case 1 -> latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
            case 2 -> latin1("0\r\n\r\n");
            case 3 -> latin1("\r\n");
            default -> body(r, 1 + r.nextInt(300));
        };
    }

    /** The message with {@code damage} done to it; a damaged message (not a cut one) is followed by more bytes. */
    private static byte[] damaged(Chunked message, byte[] body, Damage damage, Random r) {
        byte[] m = message.bytes();
        List<Chunk> chunks = message.chunks();
        Chunk any = chunks.get(r.nextInt(chunks.size()));
        return switch (damage) {
            case NON_HEX_SIZE -> {
                int at = any.hexStart() + r.nextInt(any.hexEnd() - any.hexStart() + 1);
                byte[] c = latin1(String.valueOf(NOT_HEX.charAt(r.nextInt(NOT_HEX.length()))));
                yield concat(splice(m, at, at < any.hexEnd() && r.nextBoolean() ? 1 : 0, c), after(r));
            }
            case NO_CRLF_AFTER_DATA -> {
                Chunk data = chunks.get(r.nextInt(chunks.size() - 1));
                String junk = List.of("", "\r", "X", " ", "\r\r", "\rX", "0", ";").get(r.nextInt(8));
                yield concat(splice(m, data.dataEnd(), 2, latin1(junk)), after(r));
            }
            case OVERFLOWING_SIZE -> concat(splice(m, any.hexStart(), any.hexEnd() - any.hexStart(),
                    latin1(OVERFLOWING.get(r.nextInt(OVERFLOWING.size())))), after(r));
            case TRUNCATED_CHUNKED -> Arrays.copyOf(m, r.nextBoolean() ? r.nextInt(m.length) : m.length - 1 - r.nextInt(Math.min(m.length, 12)));
            case TRUNCATED_LENGTH -> Arrays.copyOf(body, r.nextInt(body.length));
        };
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        return concat(Arrays.copyOf(b, at), insert, Arrays.copyOfRange(b, at + remove, b.length));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes as Java-escaped text, the first 3,000 of them, for a failure's message. */
    private static String show(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(b.length, 3_000); i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '"', '\\' -> sb.append('\\').append((char) c);
                default -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return sb.append(b.length > 3_000 ? "\"... (" + b.length + " bytes)" : "\"").toString();
    }

    // ---- the wire

    /** The bytes a provider sent, all arrived, handed out in reads of 1 to {@code maxSplit} bytes, as a socket's reads split. */
    private static final class SplitInput extends InputStream {
        private final byte[] bytes;
        private final Random r;
        private final int maxSplit;
        private int pos;

        SplitInput(byte[] bytes, Random r, int maxSplit) {
            this.bytes = bytes;
            this.r = r;
            this.maxSplit = maxSplit;
        }

        @Override
        public int read() {
            return pos == bytes.length ? -1 : bytes[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0 || pos == bytes.length) {
                return len == 0 ? 0 : -1;
            }
            int n = Math.min(Math.min(len, bytes.length - pos), 1 + r.nextInt(maxSplit));
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return bytes.length - pos;
        }
    }
}
