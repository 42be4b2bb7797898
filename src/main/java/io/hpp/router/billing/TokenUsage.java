package io.hpp.router.billing;

/**
 * Tokens of one request, normalised so that each token appears in exactly one bucket: {@code input} excludes cached
 * tokens (OpenAI counts cached tokens inside prompt_tokens; we take them out before pricing).
 */
public record TokenUsage(long input, long output, long cacheWrite, long cacheRead) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);

    public TokenUsage {
        if (input < 0 || output < 0 || cacheWrite < 0 || cacheRead < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, got " + input + "/" + output + "/" + cacheWrite + "/" + cacheRead);
        }
    }

    /** The prompt tokens as the OpenAI wire format reports them: every input token, cached or not. */
    public long promptTokens() {
        return input + cacheWrite + cacheRead;
    }

    public long totalTokens() {
        return promptTokens() + output;
    }

    public boolean isEmpty() {
        return totalTokens() == 0;
    }
}
