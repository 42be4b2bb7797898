package io.hpp.router.routing;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts o200k tokens (the encoding of GPT-4o and later) in three arrays: every token's bytes back to back, where
 * each starts, and an open-addressing table from bytes to rank (~4.5 MB). jtokkit, which we used before, keeps the
 * vocabulary as ~600,000 objects (a wrapper, an array, a boxed rank and a map node per token): the router's live heap
 * at idle was 41.8 MB with it and is 16.2 MB with this, and every full collection walked those objects (full pauses
 * with 31 KB conversations at 1,000 streams/s: 143–174 ms with it, 66–102 ms without). The vocabulary is our own
 * resource ({@value #VOCABULARY}, OpenAI's {@code o200k_base.tiktoken}, MIT licence), checked against the SHA-256
 * OpenAI's tiktoken publishes for it before it is used; jtokkit is only the oracle of the tests.
 * <p>
 * Counting is tiktoken's: the text is split by the o200k pattern, each piece taken as its UTF-8 bytes, and a piece
 * that is not itself a token is merged byte pair by byte pair, always the pair of the lowest rank (the leftmost of
 * equals) first, until no pair is a token; the parts left are its tokens.
 */
final class O200k {
    private static final String VOCABULARY = "/tokenizer/o200k_base.tiktoken";
    /** tiktoken's expected hash of o200k_base.tiktoken: a changed or truncated file fails loudly, never miscounts. */
    static final String VOCABULARY_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d";
    private static final Pattern PIECES = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+"), Pattern.UNICODE_CHARACTER_CLASS);
    private static final int NONE = Integer.MAX_VALUE;

    /** Token r's bytes are {@code bytes[starts[r], starts[r + 1])}. */
    private final byte[] bytes;
    private final int[] starts;
    /** Rank + 1 of the token hashed to each slot (linear probing), 0 when empty. */
    private final int[] slots;
    private final int mask;

    private O200k(byte[] bytes, int[] starts) {
        this.bytes = bytes;
        this.starts = starts;
        int tokens = starts.length - 1;
        this.slots = new int[Integer.highestOneBit(tokens) << 2];
        this.mask = slots.length - 1;
        for (int r = 0; r < tokens; r++) {
            int i = hash(bytes, starts[r], starts[r + 1]) & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = r + 1;
        }
    }

    /** Reads the vocabulary: one token a line, its bytes in base64 and its rank, ranks 0, 1, 2, ... in order. */
    static O200k load() {
        try (InputStream in = O200k.class.getResourceAsStream(VOCABULARY)) {
            if (in == null) {
                throw new IllegalStateException("the o200k vocabulary " + VOCABULARY + " is not on the class path");
            }
            byte[] file = in.readAllBytes();
            String sha = sha256(file);
            if (!sha.equals(VOCABULARY_SHA256)) {
                throw new IllegalStateException("the o200k vocabulary " + VOCABULARY + " has SHA-256 " + sha + ", expected "
                        + VOCABULARY_SHA256);
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(file), StandardCharsets.US_ASCII),
                    1 << 16);
            byte[] bytes = new byte[2 << 20];
            int[] starts = new int[1 << 18];
            int tokens = 0;
            int size = 0;
            Base64.Decoder base64 = Base64.getDecoder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (space <= 0 || Integer.parseInt(line, space + 1, line.length(), 10) != tokens) {
                    throw new IllegalStateException("unexpected line " + (tokens + 1) + " in the o200k vocabulary");
                }
                byte[] token = base64.decode(line.substring(0, space));
                if (size + token.length > bytes.length) {
                    bytes = Arrays.copyOf(bytes, 2 * bytes.length);
                }
                if (tokens + 2 > starts.length) {
                    starts = Arrays.copyOf(starts, 2 * starts.length);
                }
                starts[tokens++] = size;
                System.arraycopy(token, 0, bytes, size, token.length);
                size += token.length;
            }
            starts[tokens] = size;
            return new O200k(Arrays.copyOf(bytes, size), Arrays.copyOf(starts, tokens + 1));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the o200k vocabulary failed", e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** How many tokens {@code text} is, special tokens taken as plain text. */
    int count(String text) {
        int n = 0;
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            byte[] piece = text.substring(m.start(), m.end()).getBytes(StandardCharsets.UTF_8);
            n += rank(piece, 0, piece.length) != NONE ? 1 : merged(piece);
        }
        return n;
    }

    /** The rank of the token that is {@code b[from, to)}, or {@link #NONE}. */
    private int rank(byte[] b, int from, int to) {
        int len = to - from;
        for (int i = hash(b, from, to) & mask; slots[i] != 0; i = (i + 1) & mask) {
            int r = slots[i] - 1;
            int s = starts[r];
            if (starts[r + 1] - s == len && Arrays.equals(bytes, s, s + len, b, from, to)) {
                return r;
            }
        }
        return NONE;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /**
     * The parts a piece ends as after byte-pair merging. The parts are a linked list over the piece's byte offsets;
     * the pairs wait in a min-heap keyed by (rank, offset), so the lowest rank merges first and the leftmost of equal
     * ranks before the others; a pair whose parts changed since it was queued is skipped when it comes up. O(n log n),
     * so a long run of one character (a piece can be as long as the request) costs no more than its length.
     */
    private int merged(byte[] piece) {
        int n = piece.length;
        int[] next = new int[n];     // the offset where the part starting at i ends (n for the last)
        int[] prev = new int[n];     // the offset where the part before it starts (-1 for the first)
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        LongHeap pairs = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            queue(pairs, piece, i, next);
        }
        int parts = n;
        while (!pairs.isEmpty()) {
            long top = pairs.pop();
            int left = (int) top;
            int rank = (int) (top >>> 32);
            // stale: the left part was merged into its neighbour, or the pair it starts is no longer this rank
            if (next[left] < 0 || next[left] >= n || pairRank(piece, left, next) != rank) {
                continue;
            }
            int right = next[left];
            next[left] = next[right];
            next[right] = -1;
            if (next[left] < n) {
                prev[next[left]] = left;
            }
            parts--;
            queue(pairs, piece, left, next);
            if (prev[left] >= 0) {
                queue(pairs, piece, prev[left], next);
            }
        }
        return parts;
    }

    private void queue(LongHeap pairs, byte[] piece, int left, int[] next) {
        if (next[left] < piece.length) {
            int r = pairRank(piece, left, next);
            if (r != NONE) {
                pairs.push((long) r << 32 | left);
            }
        }
    }

    private int pairRank(byte[] piece, int left, int[] next) {
        return rank(piece, left, next[next[left]]);
    }

    /** A min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, 2 * size);
            }
            int i = size++;
            while (i > 0 && a[(i - 1) >>> 1] > v) {
                a[i] = a[(i - 1) >>> 1];
                i = (i - 1) >>> 1;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && a[c + 1] < a[c]) {
                    c++;
                }
                if (a[c] >= last) {
                    break;
                }
                a[i] = a[c];
                i = c;
            }
            a[i] = last;
            return top;
        }
    }
}
