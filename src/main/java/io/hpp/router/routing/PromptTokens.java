package io.hpp.router.routing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Input-token estimates for routing, with the o200k tokenizer. Tokenizing costs ~0.3 µs a token, so: each message
 * is counted once and its count cached by a hash of its content (conversations resend their history), and counting
 * stops as soon as the total passes {@code stopAbove}, beyond which the routing decision cannot change.
 */
public final class PromptTokens {
    static final long PER_MESSAGE = 4;
    static final long PER_REQUEST = 3;
    private static final int MAX_CACHED = 100_000;

    private final ConcurrentHashMap<Long, Long> counts = new ConcurrentHashMap<>();

    /** An estimate; {@code capped} when counting stopped early, so the true count is larger still. */
    public record Estimate(long tokens, boolean capped) {
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
                    case "image_url" -> n += image(part.path("image_url"));
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

    /** Tokens of one text, from the cache when this text was counted before. */
    public long text(String s) {
        if (s.length() < 16) {
            return Tokenizer.count(s);
        }
        long key = (long) s.hashCode() << 32 ^ s.length() ^ (long) s.charAt(s.length() / 2) << 20;
        Long cached = counts.get(key);
        if (cached != null) {
            return cached;
        }
        long c = Tokenizer.count(s);
        if (counts.size() >= MAX_CACHED) {
            counts.clear();
        }
        counts.put(key, c);
        return c;
    }

    private long image(JsonNode imageUrl) {
        String url = imageUrl.path("url").asText("");
        String detail = imageUrl.path("detail").asText("auto");
        long key = ((long) url.hashCode() << 32 ^ url.length()) + detail.hashCode() * 31L + 7;
        Long cached = counts.get(key);
        if (cached != null) {
            return cached;
        }
        long c = ImageTokens.estimate(url, detail);
        counts.put(key, c);
        return c;
    }
}
