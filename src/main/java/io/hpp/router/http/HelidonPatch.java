package io.hpp.router.http;

import io.helidon.common.buffers.DataReader;
import java.net.URL;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Whether Helidon's request reader is the copy the build patched ({@code src/build/DataReaderPatch.java}: a consumed
 * node no longer links to the next, so promoted nodes stop keeping later request bytes alive — with 31 KB
 * conversations at 1,000 streams/s, full collections after warm-up 11 and 6 without it, 1 and 1 with it). The copy is
 * in the router's own jar, ahead of Helidon's on the class path; if Helidon's original is the one loaded (the build
 * step did not run, or a class path puts Helidon first) the router still works, with more full collections, so start-up
 * logs an error and {@code /readyz} says so (without making the node unready).
 */
public final class HelidonPatch {
    private HelidonPatch() {
    }

    /** Empty when the patched reader is the one loaded; else what is wrong, in words. */
    public static Optional<String> problem() {
        Optional<URL> reader = location(DataReader.class);
        Optional<URL> router = location(HelidonPatch.class);
        if (reader.isPresent() && reader.equals(router)) {
            return Optional.empty();
        }
        return Optional.of("Helidon's DataReader was loaded from " + reader.map(URL::toString).orElse("an unknown place")
                + ", not from the router's " + router.map(URL::toString).orElse("jar")
                + ": the patch of src/build/DataReaderPatch.java is not in use (more full collections under long conversations)");
    }

    private static Optional<URL> location(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        return Optional.ofNullable(source).map(CodeSource::getLocation);
    }
}
