package io.hpp.router.routing;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * The one o200k tokenizer of the process. Its vocabulary takes ~35 MB of heap, so it is loaded once, on first use,
 * and shared by everything that counts tokens.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    private static final class Holder {
        static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    static Encoding o200k() {
        return Holder.O200K;
    }

    /** Loads the vocabulary in the background, so that neither start-up nor the first request waits for it. */
    public static void warmUp() {
        Thread.ofVirtual().name("hpp-tokenizer-warm-up").start(Tokenizer::o200k);
    }
}
