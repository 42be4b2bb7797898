package io.hpp.router.value;

/**
 * Tokens of one request, normalised so that each token appears in exactly one bucket: {@code input} excludes cached
 * tokens (OpenAI counts cached tokens inside prompt_tokens; we take them out before pricing).
 */
public record TokenUsage(long input, long output, long cacheWrite, long cacheRead) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);
    /**
     * The most tokens of one kind a request can plausibly have: 1,000 times the largest context windows of 2025
     * (1M tokens). A client's output cap above it is refused; a provider's report above it is an anomaly, charged at
     * the request's hold. Four buckets at this bound still sum far inside a {@code long}.
     */
    public static final long MAX_TOKENS = 1_000_000_000L;

    public TokenUsage {
        if (input < 0 || output < 0 || cacheWrite < 0 || cacheRead < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, got " + input + "/" + output + "/" + cacheWrite + "/" + cacheRead);
        }
    }

    /** Whether every bucket is within {@link #MAX_TOKENS}. */
    public boolean plausible() {
        return input <= MAX_TOKENS && output <= MAX_TOKENS && cacheWrite <= MAX_TOKENS && cacheRead <= MAX_TOKENS;
    }

    /** The same usage with each bucket cut to {@link #MAX_TOKENS}, so that sums of it cannot overflow. */
    public TokenUsage bounded() {
        return plausible() ? this : new TokenUsage(Math.min(input, MAX_TOKENS), Math.min(output, MAX_TOKENS),
                Math.min(cacheWrite, MAX_TOKENS), Math.min(cacheRead, MAX_TOKENS));
    }

    /** The prompt tokens as the OpenAI wire format reports them: every input token, cached or not. */
    public long promptTokens() {
        return Math.addExact(Math.addExact(input, cacheWrite), cacheRead);
    }

    public long totalTokens() {
        return Math.addExact(promptTokens(), output);
    }

    public boolean isEmpty() {
        return totalTokens() == 0;
    }
}
