package io.hpp.router.routing;

/**
 * The one o200k tokenizer of the process ({@link O200k}, ~4.5 MB of heap), loaded once, in the background at start-up
 * or on first use, and shared by everything that counts tokens.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    private static final class Holder {
        static final O200k O200K = O200k.load();
    }

    /** How many o200k tokens {@code text} is, special tokens taken as plain text. */
    static int count(String text) {
        return text.isEmpty() ? 0 : Holder.O200K.count(text);
    }

    /** Loads the vocabulary in the background, so that neither start-up nor the first request waits for it. */
    public static void warmUp() {
        Thread.ofVirtual().name("hpp-tokenizer-warm-up").start(() -> count("warm"));
    }
}
