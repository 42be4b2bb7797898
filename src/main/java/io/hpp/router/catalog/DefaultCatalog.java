package io.hpp.router.catalog;

import io.hpp.router.value.Model;
import io.hpp.router.value.Price;
import java.util.List;
import java.util.Optional;

/**
 * The catalog seeded into an empty database: list prices in USD per 1M tokens as the providers publish them.
 * Operators change prices through the admin API; this list only matters on first start.
 */
public final class DefaultCatalog {
    private DefaultCatalog() {
    }

    public static List<Model> models() {
        return List.of(
                chat("openai/gpt-5", "openai", "gpt-5", Price.of("1.25", "10", null, "0.125"), 128_000),
                chat("openai/gpt-5-mini", "openai", "gpt-5-mini", Price.of("0.25", "2", null, "0.025"), 128_000),
                chat("openai/gpt-4o", "openai", "gpt-4o", Price.of("2.5", "10", null, "1.25"), 16_384),
                chat("openai/gpt-4o-mini", "openai", "gpt-4o-mini", Price.of("0.15", "0.6", null, "0.075"), 16_384),
                chat("anthropic/claude-sonnet-4", "anthropic", "claude-sonnet-4-20250514", Price.of("3", "15", "3.75", "0.3"), 64_000),
                chat("anthropic/claude-sonnet-4-6", "anthropic", "claude-sonnet-4-6", Price.of("3", "15", "3.75", "0.3"), 64_000),
                chat("anthropic/claude-haiku-4-5", "anthropic", "claude-haiku-4-5", Price.of("1", "5", "1.25", "0.1"), 64_000),
                chat("moonshotai/kimi-k2.6", "moonshotai", "kimi-k2.6", Price.of("0.6", "2.5", null, "0.15"), 32_768),
                chat("ollama/gpt-oss:120b", "ollama", "gpt-oss:120b", Price.of("0", "0"), 32_768),
                chat("ollama/solidity-master:2", "ollama", "solidity-master:2", Price.of("0", "0"), 32_768),
                new Model("gpt-image-1", "openai", "gpt-image-1", "openai", Price.of("10", "40"),
                        Optional.empty(), true, Model.Kind.IMAGE, List.of()));
    }

    private static Model chat(String id, String provider, String upstream, Price price, long maxOutput) {
        return new Model(id, provider, upstream, provider, price, Optional.of(maxOutput), true, Model.Kind.CHAT, List.of());
    }
}
