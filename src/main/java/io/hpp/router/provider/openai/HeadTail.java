package io.hpp.router.provider.openai;

/** Keeps the first and the last {@code size} bytes of a stream that passes through, whatever its length. */
final class HeadTail {
    private final byte[] head;
    private final byte[] ring;
    private int headLength;
    private long total;

    HeadTail(int size) {
        this.head = new byte[size];
        this.ring = new byte[size];
    }

    void add(byte[] b, int n) {
        if (headLength < head.length) {
            int take = Math.min(n, head.length - headLength);
            System.arraycopy(b, 0, head, headLength, take);
            headLength += take;
        }
        int i = Math.max(0, n - ring.length);
        long pos = total + i;
        while (i < n) {
            int at = (int) (pos % ring.length);
            int run = Math.min(n - i, ring.length - at);
            System.arraycopy(b, i, ring, at, run);
            i += run;
            pos += run;
        }
        total += n;
    }

    byte[] head() {
        return java.util.Arrays.copyOf(head, headLength);
    }

    byte[] tail() {
        int length = (int) Math.min(total, ring.length);
        byte[] out = new byte[length];
        int start = (int) ((total - length) % ring.length);
        int first = Math.min(length, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, length - first);
        return out;
    }
}
