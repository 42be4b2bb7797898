package io.hpp.router.wire;

import java.util.Arrays;

/**
 * A request body as the byte ranges it is made of, in order. The connection copies each range once into its own
 * send buffer, so a body made of the client's bytes and a few written members is never assembled into an array of its
 * own: a 31 KB conversation used to be copied whole twice on its way upstream (joined, then joined to the request's
 * head), and those copies were a quarter of the bytes the router allocated per stream. The ranges are not copied when
 * added; whoever adds one leaves it unchanged.
 */
public final class BodyParts {
    private byte[][] arrays;
    private int[] offsets;
    private int[] lengths;
    private int count;
    private int length;

    public BodyParts(int expectedParts) {
        int n = Math.max(1, expectedParts);
        arrays = new byte[n][];
        offsets = new int[n];
        lengths = new int[n];
    }

    /** A body of one array. */
    public static BodyParts of(byte[] whole) {
        return new BodyParts(1).add(whole);
    }

    public BodyParts add(byte[] b) {
        return add(b, 0, b.length);
    }

    public BodyParts add(byte[] b, int offset, int len) {
        java.util.Objects.checkFromIndexSize(offset, len, b.length);
        if (len == 0) {
            return this;
        }
        if (count == arrays.length) {
            int n = count * 2;
            arrays = Arrays.copyOf(arrays, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        arrays[count] = b;
        offsets[count] = offset;
        lengths[count] = len;
        count++;
        length += len;
        return this;
    }

    /** The body's size in bytes. */
    public int length() {
        return length;
    }

    /** Copies the body into {@code dest} from {@code at}; returns the index just past it. */
    public int copyTo(byte[] dest, int at) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(arrays[i], offsets[i], dest, at, lengths[i]);
            at += lengths[i];
        }
        return at;
    }

    /** The body in one new array (for tests). */
    public byte[] toArray() {
        byte[] out = new byte[length];
        copyTo(out, 0);
        return out;
    }
}
