package io.hpp.router.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The byte streams under {@link HttpConnection}: the socket's read buffer and the two body framings. */
final class HttpBodies {
    private HttpBodies() {
    }

    /** A stream read in blocks; its single-byte read goes through the block read. */
    abstract static class BlockInput extends InputStream {
        /** Whether the stream is known to be at its end without another read (which might wait). */
        boolean ended() {
            return false;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }
    }

    /**
     * A read buffer without the locking of {@code BufferedInputStream} (one thread uses a connection at a time). A
     * {@linkplain #beforeSocketRead hook} runs before each read from the socket, when nothing buffered is left.
     */
    static final class SocketInput extends InputStream {
        private final InputStream in;
        private final byte[] buf = new byte[4 * 1024];
        private int pos;
        private int lim;
        private Runnable beforeSocketRead;

        SocketInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (pos == lim && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == lim) {
                if (len >= buf.length) {
                    hook();
                    return in.read(b, off, len); // large reads go straight into the caller's array
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return lim - pos + in.available();
        }

        /** Runs {@code hook} before every later read from the socket (null: nothing); the read may wait. */
        void beforeSocketRead(Runnable hook) {
            beforeSocketRead = hook;
        }

        private void hook() {
            Runnable h = beforeSocketRead;
            if (h != null) {
                h.run();
            }
        }

        private boolean fill() throws IOException {
            hook();
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            lim = n;
            return true;
        }
    }

    /** Exactly {@code length} bytes, then end of stream; an early end of the connection is an error. */
    static final class FixedInput extends BlockInput {
        private final InputStream in;
        private long remaining;

        FixedInput(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("the answer ended " + remaining + " bytes before its Content-Length");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        boolean ended() {
            return remaining == 0;
        }
    }

    /**
     * Chunked transfer coding: chunk sizes (hex digits; extensions ignored), data, and trailers skipped at the end, at
     * most {@link #MAX_TRAILERS} bytes of them.
     */
    static final class ChunkedInput extends BlockInput {
        private static final int MAX_LINE = 4096;
        private static final int MAX_TRAILERS = 64 * 1024;
        private final InputStream in;
        private long chunkLeft;
        private boolean finished;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (finished) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (chunkLeft == 0) {
                chunkLeft = nextChunkSize();
                if (chunkLeft == 0) {
                    skipTrailers();
                    finished = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("the answer ended inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !line().isEmpty()) {
                throw new MalformedAnswerException("a malformed chunk: no CRLF after its data");
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return finished ? 0 : (int) Math.min(in.available(), chunkLeft);
        }

        @Override
        boolean ended() {
            return finished;
        }

        /** {@code 1*HEXDIG} (no sign: a negative size once reached an array copy); 15 digits fit a long. */
        private long nextChunkSize() throws IOException {
            String l = line();
            int semi = l.indexOf(';');
            String hex = (semi >= 0 ? l.substring(0, semi) : l).trim();
            if (hex.isEmpty() || hex.length() > 15) {
                throw new MalformedAnswerException("a malformed chunk size");
            }
            long size = 0;
            for (int i = 0; i < hex.length(); i++) {
                char c = hex.charAt(i);
                int digit = c < 128 ? Character.digit(c, 16) : -1;
                if (digit < 0) {
                    throw new MalformedAnswerException("a malformed chunk size");
                }
                size = size * 16 + digit;
            }
            return size;
        }

        /** Trailer fields until an empty line; their bytes are bounded like a head's. */
        private void skipTrailers() throws IOException {
            int total = 0;
            for (String l = line(); !l.isEmpty(); l = line()) {
                total += l.length() + 2;
                if (total > MAX_TRAILERS) {
                    throw new MalformedAnswerException("trailers larger than " + MAX_TRAILERS + " bytes");
                }
            }
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(16);
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("the answer ended inside chunk framing");
                }
                if (c == '\n') {
                    int len = sb.length();
                    return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
                }
                if (sb.length() > MAX_LINE) {
                    throw new MalformedAnswerException("a chunk framing line longer than " + MAX_LINE + " bytes");
                }
                sb.append((char) c);
            }
        }
    }
}
