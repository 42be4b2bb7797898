package io.hpp.router.chat;

import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.provider.CircuitBreakers;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Providers;
import io.hpp.router.routing.RouteDecision;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.value.Model;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request to its model, or — on a retryable failure before anything reached the client — retries with
 * backoff and then moves down the fallback list. Which failures are retryable is decided in one place,
 * {@link ProviderException#retryable()}: connection failures, timeouts, and provider 408, 429, 5xx and 529. Models
 * whose circuit is open are skipped.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** A model and the provider that serves it. */
    record Target(Model model, Provider provider) {
        String name() {
            return model.id();
        }
    }

    private final ModelCatalog catalog;
    private final Providers providers;
    private final CircuitBreakers breakers;
    private final RouterConfig.Resilience config;
    private final BiConsumer<String, String> onFallback;

    Dispatcher(ModelCatalog catalog, Providers providers, CircuitBreakers breakers, RouterConfig.Resilience config,
               BiConsumer<String, String> onFallback) {
        this.catalog = catalog;
        this.providers = providers;
        this.breakers = breakers;
        this.config = config;
        this.onFallback = onFallback;
    }

    /**
     * The primary model then its fallbacks (the rule's for hpprouter/auto, else the model's), keeping only enabled
     * chat models whose provider is configured (and, for auto, allowed by the ruleset).
     */
    List<Target> targets(Model primary, Provider primaryProvider, Optional<RouteDecision> route, java.util.function.Predicate<String> allowed) {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(primary, primaryProvider));
        LinkedHashSet<String> ids = new LinkedHashSet<>(route.map(RouteDecision::fallbacks).orElse(primary.fallbacks()));
        ids.remove(primary.id());
        for (String id : ids) {
            Optional<Model> m = catalog.find(id).filter(Model::enabled).filter(x -> x.kind() == Model.Kind.CHAT)
                    .filter(x -> allowed.test(x.provider()));
            Optional<Provider> p = m.flatMap(x -> providers.find(x.provider()));
            if (m.isPresent() && p.isPresent()) {
                targets.add(new Target(m.get(), p.get()));
            } else {
                LOG.warn("fallback '{}' of '{}' is skipped: not an enabled chat model with a configured provider", id, primary.id());
            }
        }
        return targets;
    }

    /** Runs {@code call} on the first target that answers; rethrows the last failure when none does. */
    <T> T dispatch(List<Target> targets, Function<Target, T> call) {
        ProviderException last = null;
        for (Target t : targets) {
            for (int attempt = 0; attempt <= config.retries(); attempt++) {
                if (!breakers.allow(t.name())) {
                    last = last != null ? last : ProviderException.circuitOpen(t.model().provider(), t.name());
                    break;
                }
                if (attempt > 0) {
                    pause(config.retryBackoff().toMillis() << (attempt - 1));
                }
                try {
                    T result = call.apply(t);
                    breakers.success(t.name());
                    if (t != targets.getFirst()) {
                        onFallback.accept(targets.getFirst().name(), t.name());
                    }
                    return result;
                } catch (RuntimeException e) {
                    if (!(e instanceof ProviderException p) || !p.retryable()) {
                        breakers.neither(t.name()); // the request's fault or ours, not the target's
                        throw e;
                    }
                    breakers.failure(t.name(), p.retryAfter());
                    last = p;
                    LOG.info("{} failed ({}), attempt {}", t.name(), p.code(), attempt + 1);
                    LOG.debug("{} failure detail: {}", t.name(), p.getMessage());
                }
            }
        }
        throw last;
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
