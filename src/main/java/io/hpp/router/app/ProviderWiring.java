package io.hpp.router.app;

import io.hpp.router.config.ProviderConfig;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Providers;
import io.hpp.router.provider.anthropic.AnthropicProvider;
import io.hpp.router.provider.openai.OpenAiCompatibleProvider;
import io.hpp.router.upstream.Upstream;
import io.hpp.router.upstream.Watchdog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds each configured provider's adapter on an HTTP client of its own: the one place that names the adapters. */
final class ProviderWiring {
    private ProviderWiring() {
    }

    static Providers providers(RouterConfig config) {
        Watchdog watchdog = new Watchdog();
        Map<String, Provider> byName = new HashMap<>();
        List<Upstream> upstreams = new ArrayList<>();
        for (ProviderConfig pc : config.providers().values()) {
            Upstream upstream = new Upstream(pc, watchdog);
            upstreams.add(upstream);
            byName.put(pc.name(), switch (pc.name()) {
                case "openai" -> OpenAiCompatibleProvider.openAi(upstream, pc);
                case "moonshotai" -> OpenAiCompatibleProvider.moonshot(upstream, pc);
                case "ollama" -> OpenAiCompatibleProvider.ollama(upstream, pc);
                case "anthropic" -> new AnthropicProvider(upstream, pc);
                default -> throw new IllegalArgumentException("no adapter for provider " + pc.name());
            });
        }
        return new Providers(byName, watchdog, upstreams);
    }
}
