package io.hpp.router.images;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A response body relayed as it arrives but for its last byte, kept back until {@link #finish}: with its length
 * announced, the client holds the whole answer only once that byte arrives, so the request is settled (and its
 * settlement recorded) before its answer is complete. {@link #close} by the relaying code is deferred to then.
 */
final class HeldBackBody extends OutputStream {
    private final OutputStream out;
    private int last = -1;
    private boolean closed;

    HeldBackBody(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        if (last >= 0) {
            out.write(last);
        }
        last = b & 0xff;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        if (last >= 0) {
            out.write(last);
        }
        out.write(b, off, len - 1);
        last = b[off + len - 1] & 0xff;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Deferred: the relaying code is done writing; {@link #finish} ends the body. */
    @Override
    public void close() {
        closed = true;
    }

    /** Sends the byte kept back and ends the body (when the relay finished it); or, withheld, ends it one byte short. */
    void finish(boolean send) throws IOException {
        if (send && closed && last >= 0) {
            out.write(last);
        }
        out.close();
    }
}
