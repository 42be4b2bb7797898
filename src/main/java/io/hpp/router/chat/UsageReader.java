package io.hpp.router.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.billing.TokenUsage;
import java.util.Optional;

/**
 * Reads an OpenAI-format {@code usage} object into {@link TokenUsage}. OpenAI counts cached tokens inside
 * {@code prompt_tokens} ({@code prompt_tokens_details.cached_tokens}); Moonshot reports {@code cached_tokens} at the
 * top; our adapters report cache writes as {@code prompt_tokens_details.cache_write_tokens}. Each is taken out of
 * the plain input so that every token is billed once.
 */
final class UsageReader {
    private UsageReader() {
    }

    static Optional<TokenUsage> read(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.has("prompt_tokens")) {
            return Optional.empty();
        }
        long prompt = nonNegative(usage.get("prompt_tokens"));
        long completion = nonNegative(usage.get("completion_tokens"));
        JsonNode details = usage.path("prompt_tokens_details");
        long cacheRead = nonNegative(details.has("cached_tokens") ? details.get("cached_tokens") : usage.get("cached_tokens"));
        long cacheWrite = nonNegative(details.get("cache_write_tokens"));
        cacheRead = Math.min(cacheRead, prompt);
        cacheWrite = Math.min(cacheWrite, prompt - cacheRead);
        return Optional.of(new TokenUsage(prompt - cacheRead - cacheWrite, completion, cacheWrite, cacheRead));
    }

    private static long nonNegative(JsonNode n) {
        return n != null && n.canConvertToLong() ? Math.max(0, n.asLong()) : 0;
    }
}
