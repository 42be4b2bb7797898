package io.hpp.router.app;

import io.hpp.router.config.ProviderConfig;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Providers;
import io.hpp.router.provider.anthropic.AnthropicProvider;
import io.hpp.router.provider.openai.OpenAiCompatibleProvider;
import io.hpp.router.upstream.Transport;
import io.hpp.router.upstream.Upstream;
import io.hpp.router.upstream.Watchdog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds each configured provider's adapter, by its type, on an HTTP client of its own: the one place that names the
 * adapters. Presets left without their key are named in a warning.
 */
final class ProviderWiring {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderWiring.class);

    private ProviderWiring() {
    }

    static Providers providers(RouterConfig config) {
        Watchdog watchdog = new Watchdog();
        Map<String, Provider> byName = new HashMap<>();
        List<Upstream> upstreams = new ArrayList<>();
        for (ProviderConfig pc : config.providers().values()) {
            // a provider's own proxy and CA bundle, else the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY
            Upstream upstream = new Upstream(pc, watchdog, Transport.forProvider(pc.proxy(), pc.caFile(), System.getenv(), pc.baseUrl()));
            upstreams.add(upstream);
            byName.put(pc.name(), adapter(upstream, pc));
        }
        config.unconfiguredProviders().values().forEach(pc -> LOG.warn(
                "provider {} ({}) is not served: {}; set providers.{}.api_key (or its environment variable) to serve its models",
                pc.name(), pc.type().wire(), RouterConfig.NO_API_KEY, pc.name()));
        return new Providers(byName, watchdog, upstreams);
    }

    /**
     * By wire format; the presets keep what is theirs alone: Responses relayed to OpenAI only, Ollama's {@code /v1}
     * added to its server root.
     */
    private static Provider adapter(Upstream upstream, ProviderConfig pc) {
        return switch (pc.type()) {
            case ANTHROPIC -> new AnthropicProvider(upstream, pc);
            case AZURE_OPENAI -> OpenAiCompatibleProvider.azure(upstream, pc);
            case OPENAI -> switch (pc.name()) {
                case "openai" -> OpenAiCompatibleProvider.openAi(upstream, pc);
                case "ollama" -> OpenAiCompatibleProvider.ollama(upstream, pc);
                default -> OpenAiCompatibleProvider.of(upstream, pc);
            };
        };
    }
}
