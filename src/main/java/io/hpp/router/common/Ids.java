package io.hpp.router.common;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Identifiers for rows and requests. They must be unique, not secret, so they come from {@link ThreadLocalRandom}:
 * {@code UUID.randomUUID()} reads the kernel's entropy pool through a lock on every call, which showed in profiles
 * of the request path. Secrets (API keys) keep using {@code SecureRandom}.
 */
public final class Ids {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Ids() {
    }

    /** A version-4 UUID string. */
    public static String uuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /**
     * A version-7 UUID string: the current millisecond first, then random bits. Rows keyed by it are appended to the
     * end of their primary-key index instead of landing on a random page (fewer pages written per insert).
     */
    public static String timeOrderedUuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /**
     * {@code prefix}, then the current millisecond as 9 base-36 digits, then {@code randomLength} random lowercase
     * letters and digits. Ids made later sort later, so an index on them grows at its end: the request log's index on
     * request ids had taken a random page per row, most of the pages each batch wrote.
     */
    public static String timeOrderedToken(String prefix, int randomLength) {
        String millis = Long.toString(System.currentTimeMillis(), 36);
        StringBuilder sb = new StringBuilder(prefix.length() + 9 + randomLength).append(prefix);
        for (int i = millis.length(); i < 9; i++) {
            sb.append('0');
        }
        sb.append(millis);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < randomLength; i++) {
            sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
