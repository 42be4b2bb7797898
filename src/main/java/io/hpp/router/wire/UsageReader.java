package io.hpp.router.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.value.TokenUsage;
import java.util.Optional;

/**
 * Reads an OpenAI-format {@code usage} object into {@link TokenUsage}. OpenAI counts cached tokens inside
 * {@code prompt_tokens} ({@code prompt_tokens_details.cached_tokens}); Moonshot reports {@code cached_tokens} at the
 * top; our adapters report cache writes as {@code prompt_tokens_details.cache_write_tokens}. Each is taken out of
 * the plain input so that every token is billed once. A count too large for a {@code long} reads as
 * {@code Long.MAX_VALUE}, so that it is caught as implausible ({@link TokenUsage#plausible()}), not read as 0.
 */
public final class UsageReader {
    private UsageReader() {
    }

    public static Optional<TokenUsage> read(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.has("prompt_tokens")) {
            return Optional.empty();
        }
        long prompt = tokens(usage.get("prompt_tokens"));
        long completion = tokens(usage.get("completion_tokens"));
        JsonNode details = usage.path("prompt_tokens_details");
        long cacheRead = tokens(details.has("cached_tokens") ? details.get("cached_tokens") : usage.get("cached_tokens"));
        long cacheWrite = tokens(details.get("cache_write_tokens"));
        cacheRead = Math.min(cacheRead, prompt);
        cacheWrite = Math.min(cacheWrite, prompt - cacheRead);
        return Optional.of(new TokenUsage(prompt - cacheRead - cacheWrite, completion, cacheWrite, cacheRead));
    }

    /** A reported token count: 0 when absent, negative or not a number; {@code Long.MAX_VALUE} when beyond a long. */
    public static long tokens(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return 0;
        }
        if (n.canConvertToLong()) {
            return Math.max(0, n.asLong());
        }
        return n.decimalValue().signum() > 0 ? Long.MAX_VALUE : 0;
    }
}
