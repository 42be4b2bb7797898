package io.hpp.router.provider;

import io.hpp.router.upstream.Upstream;
import io.hpp.router.upstream.Watchdog;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The providers configured at start-up, by name. */
public final class Providers implements AutoCloseable {
    private final Map<String, Provider> byName;
    private final Watchdog watchdog;
    private final List<Upstream> upstreams;

    /**
     * @param byName    each configured provider's adapter (built by the wiring: this package knows only the contract)
     * @param watchdog  the timer of every upstream's timeouts, closed with them
     * @param upstreams the HTTP clients the adapters speak through, one per provider
     */
    public Providers(Map<String, Provider> byName, Watchdog watchdog, List<Upstream> upstreams) {
        this.byName = Map.copyOf(byName);
        this.watchdog = watchdog;
        this.upstreams = List.copyOf(upstreams);
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
