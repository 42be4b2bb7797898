package io.hpp.router.store;

/**
 * Text cleaned for any database: control characters (NUL, which PostgreSQL refuses in text, among them) and unpaired
 * surrogates become U+FFFD, and the length is bounded, so that a row refused for its text can still be written with
 * its money.
 */
final class SafeText {
    /** Longer than any model id, rule id or request id the router accepts; shorter than an index entry may be. */
    static final int MAX_CHARS = 256;
    private static final char REPLACEMENT = '\uFFFD';

    private SafeText() {
    }

    static String of(String s) {
        int end = Math.min(s.length(), MAX_CHARS);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;   // never cut a pair in two
        }
        StringBuilder out = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char ch = s.charAt(i);
            boolean paired = Character.isHighSurrogate(ch) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                out.append(ch).append(s.charAt(++i));
            } else if (Character.isISOControl(ch) || Character.isSurrogate(ch)) {
                out.append(REPLACEMENT);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
