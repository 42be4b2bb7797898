package io.hpp.router.provider;

import io.hpp.router.upstream.Upstream;
import io.hpp.router.upstream.Watchdog;
import io.hpp.router.config.ProviderConfig;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.provider.anthropic.AnthropicProvider;
import io.hpp.router.provider.openai.OpenAiCompatibleProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The providers configured at start-up, by name. */
public final class Providers implements AutoCloseable {
    private final Map<String, Provider> byName;
    private final Watchdog watchdog;
    private final List<Upstream> upstreams;

    private Providers(Map<String, Provider> byName, Watchdog watchdog, List<Upstream> upstreams) {
        this.byName = Map.copyOf(byName);
        this.watchdog = watchdog;
        this.upstreams = List.copyOf(upstreams);
    }

    public static Providers from(RouterConfig config) {
        Watchdog watchdog = new Watchdog();
        Map<String, Provider> map = new HashMap<>();
        List<Upstream> upstreams = new ArrayList<>();
        for (ProviderConfig pc : config.providers().values()) {
            Upstream upstream = new Upstream(pc, watchdog);
            upstreams.add(upstream);
            switch (pc.name()) {
                case "openai" -> map.put("openai", OpenAiCompatibleProvider.openAi(upstream, pc));
                case "moonshotai" -> map.put("moonshotai", OpenAiCompatibleProvider.moonshot(upstream, pc));
                case "ollama" -> map.put("ollama", OpenAiCompatibleProvider.ollama(upstream, pc));
                case "anthropic" -> map.put("anthropic", new AnthropicProvider(upstream, pc));
                default -> throw new IllegalArgumentException("no adapter for provider " + pc.name());
            }
        }
        return new Providers(map, watchdog, upstreams);
    }

    /** The HTTP clients of the providers, one per provider. */
    public List<Upstream> upstreams() {
        return upstreams;
    }

    public Optional<Provider> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The named provider, if it is configured and can generate images. */
    public Optional<ImageProvider> images(String name) {
        return find(name).filter(ImageProvider.class::isInstance).map(ImageProvider.class::cast);
    }

    @Override
    public void close() {
        upstreams.forEach(Upstream::close);
        watchdog.close();
    }
}
