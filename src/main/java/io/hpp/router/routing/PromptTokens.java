package io.hpp.router.routing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Input-token estimates for routing, with the o200k tokenizer. Tokenizing costs ~0.3 µs a token, so: each message
 * is counted once and its count cached under the SHA-256 of its text (conversations resend their history), and
 * counting stops as soon as the total passes {@code stopAbove}, beyond which the routing decision cannot change.
 * <p>
 * The cache is shared by every consumer, so its key is a digest no one can make two texts share: a weaker key
 * (String.hashCode, length, middle character) let one consumer's text give its count to another's (issue 24: a
 * 3,465-token message counted as 513). The digest costs ~0.8 µs a KB of text on every estimate (a 6 KB message: 4.8 µs,
 * against 0.4 µs for String.hashCode and equals), and a miss ~75 µs a KB to tokenize. An entry takes 88-104 bytes
 * whatever its text (measured), so the cache, emptied when it reaches {@value #MAX_CACHED} entries, holds at most
 * ~7 MB. Image parts are not cached: their estimate decodes only the image's header ({@link ImageTokens}).
 */
public final class PromptTokens {
    static final long PER_MESSAGE = 4;
    static final long PER_REQUEST = 3;
    static final int MAX_CACHED = 65_536;
    /** Texts this short are tokenized: cheaper than hashing and looking up. */
    private static final int SHORTEST_CACHED = 16;
    private static final MessageDigest SHA_256 = newSha256();

    private final ConcurrentHashMap<Digest, Long> counts = new ConcurrentHashMap<>();

    /** An estimate; {@code capped} when counting stopped early, so the true count is larger still. */
    public record Estimate(long tokens, boolean capped) {
    }

    /** The SHA-256 of a text's UTF-8 bytes. */
    private record Digest(long a, long b, long c, long d) {
        /**
         * The digest, or empty for a text with a lone surrogate, which UTF-8 cannot carry ({@code getBytes} writes '?':
         * two texts would share bytes); the bytes decoded again differ from the text then (two JDK intrinsics, ~0.07 µs
         * a KB, against ~0.7 µs a KB for the digest).
         */
        static Optional<Digest> of(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (!new String(utf8, StandardCharsets.UTF_8).equals(s)) {
                return Optional.empty();
            }
            ByteBuffer sum = ByteBuffer.wrap(sha256().digest(utf8));
            return Optional.of(new Digest(sum.getLong(), sum.getLong(), sum.getLong(), sum.getLong()));
        }
    }

    public Estimate estimate(JsonNode messages, long stopAbove) {
        long total = PER_REQUEST;
        for (JsonNode m : messages) {
            total += message(m);
            if (total > stopAbove) {
                return new Estimate(total, true);
            }
        }
        return new Estimate(total, false);
    }

    private long message(JsonNode m) {
        long n = PER_MESSAGE;
        n += text(m.path("role").asText(""));
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            n += text(content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                switch (part.path("type").asText()) {
                    case "text" -> n += text(part.path("text").asText(""));
                    case "image_url" -> n += ImageTokens.estimate(part.path("image_url").path("url").asText(""),
                            part.path("image_url").path("detail").asText("auto"));
                    default -> n += text(part.toString());
                }
            }
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null) {
            n += text(calls.toString());
        }
        return n;
    }

    /** Texts whose counts are cached now. */
    int cachedEntries() {
        return counts.size();
    }

    /** Tokens of one text, from the cache when this text was counted before. */
    public long text(String s) {
        if (s.length() < SHORTEST_CACHED) {
            return Tokenizer.count(s);
        }
        Optional<Digest> key = Digest.of(s);
        if (key.isEmpty()) {
            return Tokenizer.count(s);
        }
        Long cached = counts.get(key.get());
        if (cached != null) {
            return cached;
        }
        long c = Tokenizer.count(s);
        if (counts.size() >= MAX_CACHED) {
            counts.clear();
        }
        counts.put(key.get(), c);
        return c;
    }

    /** A new SHA-256: a copy of an unused one, twice as fast as {@code getInstance} (47 against 100 ns). */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
