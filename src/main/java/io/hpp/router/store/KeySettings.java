package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an operator may narrow a key to, inside its consumer's rights; every setting is optional and changeable without
 * re-issuing the key. The consumer's balance and rate limits stay in force beside these.
 *
 * @param budget        the most this key may spend (per period, when it has one); the consumer's balance stays the hard cap
 * @param allowedModels model ids or patterns with {@code *} ({@code openai/*}, {@code hpprouter/auto}); empty allows all
 * @param metadata      free JSON the operator keeps with the key, as text
 */
public record KeySettings(Optional<Instant> expiresAt, Optional<Money> budget, Optional<BudgetPeriod> budgetPeriod,
                          List<String> allowedModels, ConsumerRecord.RateLimits limits, boolean disabled,
                          Optional<String> metadata) {
    public static final KeySettings NONE = new KeySettings(Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
            ConsumerRecord.RateLimits.NONE, false, Optional.empty());

    public KeySettings {
        allowedModels = List.copyOf(allowedModels);
    }

    /** Whether the key may use {@code modelId}: no list allows all; else an entry equals it or matches it as a pattern. */
    public boolean allows(String modelId) {
        if (allowedModels.isEmpty()) {
            return true;
        }
        for (String pattern : allowedModels) {
            if (matches(pattern, modelId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code hpprouter/auto} may send this key's request to {@code modelId}: a list of {@code hpprouter/auto}
     * alone makes an auto-only key, whose requests go wherever the rules say; any other list bounds them too.
     */
    public boolean autoMayUse(String modelId) {
        return allowedModels.stream().allMatch(AUTO::equals) || allows(modelId);
    }

    private static final String AUTO = "hpprouter/auto";

    /** {@code *} matches any run of characters (also none, also {@code /}); everything else matches itself. */
    static boolean matches(String pattern, String id) {
        int p = 0;
        int s = 0;
        int star = -1;
        int mark = 0;
        while (s < id.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == id.charAt(s)) {
                p++;
                s++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = s;
            } else if (star >= 0) {
                p = star + 1;
                s = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** The start (epoch millis) of the budget period {@code at} falls in; 0 without a period. */
    public long periodStart(Instant at) {
        return BudgetPeriod.startMillis(budgetPeriod, at);
    }

    /** When spend of the period {@code at} falls in resets; empty for a budget without a period. */
    public Optional<Instant> resetsAt(Instant at) {
        return budgetPeriod.map(p -> p.next(at));
    }
}
