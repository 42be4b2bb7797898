package io.hpp.router.chat;

import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
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
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request to its model, or — on a retryable failure before anything reached the client — retries with
 * backoff and then moves down the fallback list. Which failures are retryable is decided in one place,
 * {@link ProviderException#retryable()}: connection failures, timeouts, and provider 408, 429, 5xx and 529. Targets
 * whose circuit is open are skipped. A model of several deployments is one target per deployment, ordered by the
 * {@link Balancer} (a conversation's follow-up turns to the deployment that served it, see {@link Affinity}): a
 * retryable failure moves on to its next deployment at once, and only the last is retried as a model of one is.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /**
     * A model (as one of its deployments serves it) and the provider that serves it. {@code circuit} names its circuit
     * breaker and in-flight count: the model's id for a model of one deployment, else the deployment's name.
     */
    record Target(Model model, Provider provider, String circuit, Optional<Affinity.Key> conversation) {
        String name() {
            return circuit;
        }
    }

    /** Who sends a request, and its opening's hash (computed only for a model of several deployments). */
    record Conversation(String consumerId, java.util.function.LongSupplier opening) {
    }

    /** Deployments already reported as skipped (bounded by the catalog's size). */
    private final java.util.Set<String> warnedSkipped = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ModelCatalog catalog;
    private final Providers providers;
    private final CircuitBreakers breakers;
    private final RouterConfig.Resilience config;
    private final BiConsumer<String, String> onFallback;
    private final Balancer balancer;
    private final Affinity affinity;

    Dispatcher(ModelCatalog catalog, Providers providers, CircuitBreakers breakers, RouterConfig.Resilience config,
               BiConsumer<String, String> onFallback, Affinity affinity) {
        this.catalog = catalog;
        this.providers = providers;
        this.breakers = breakers;
        this.config = config;
        this.onFallback = onFallback;
        this.balancer = new Balancer(breakers);
        this.affinity = affinity;
    }

    /**
     * The primary model's deployments then its fallbacks' (the rule's for hpprouter/auto, else the model's), keeping
     * only enabled chat models and deployments whose provider is configured (and, for fallbacks under auto, allowed by
     * the ruleset). A primary none of whose providers is configured is a 400 {@code model_not_found}.
     */
    List<Target> targets(Model primary, Optional<RouteDecision> route, Predicate<String> allowed, Conversation conversation) {
        List<Target> targets = new ArrayList<>(deployed(primary, p -> true, conversation));
        if (targets.isEmpty()) {
            throw new ApiException(400, "model_not_found", "Model '" + primary.id() + "' is not available: provider '"
                    + String.join("', '", primary.deployments().stream().map(Model.Deployment::provider).distinct().toList())
                    + "' is not configured on this gateway");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>(route.map(RouteDecision::fallbacks).orElse(primary.fallbacks()));
        ids.remove(primary.id());
        for (String id : ids) {
            List<Target> fallback = catalog.find(id).filter(Model::enabled).filter(x -> x.kind() == Model.Kind.CHAT)
                    .map(m -> deployed(m, allowed, conversation)).orElse(List.of());
            if (fallback.isEmpty()) {
                LOG.warn("fallback '{}' of '{}' is skipped: not an enabled chat model with a configured provider", id, primary.id());
            }
            targets.addAll(fallback);
        }
        return targets;
    }

    /** The targets of one model: itself, or each of its deployments in the balancer's order. */
    private List<Target> deployed(Model m, Predicate<String> allowed, Conversation conversation) {
        if (!m.balanced()) {
            return allowed.test(m.provider())
                    ? providers.find(m.provider()).map(p -> List.of(new Target(m, p, m.id(), Optional.empty()))).orElse(List.of())
                    : List.of();
        }
        List<Model.Deployment> usable = new ArrayList<>();
        for (Model.Deployment d : m.deployments()) {
            if (!allowed.test(d.provider())) {
                continue;
            }
            if (providers.find(d.provider()).isPresent()) {
                usable.add(d);
            } else if (warnedSkipped.add(m.id() + " " + d.name())) {
                // once per deployment and process: it is skipped on every request until the configuration changes
                LOG.warn("deployment '{}' of '{}' is skipped: provider '{}' is not configured", d.name(), m.id(), d.provider());
            }
        }
        Optional<Affinity.Key> key = usable.size() > 1
                ? Optional.of(new Affinity.Key(conversation.consumerId(), m.id(), conversation.opening().getAsLong()))
                : Optional.empty();
        return balancer.order(m.id(), usable, key.flatMap(affinity::find)).stream()
                .map(d -> new Target(m.at(d), providers.find(d.provider()).orElseThrow(), d.name(), key)).toList();
    }

    /** Runs {@code call} on the first target that answers; rethrows the last failure when none does. */
    <T> T dispatch(List<Target> targets, Function<Target, T> call) {
        ProviderException last = null;
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            // a model's next deployment is its retry; its last deployment (or its only target) is retried
            boolean nextIsSameModel = i + 1 < targets.size() && targets.get(i + 1).model().id().equals(t.model().id());
            int retries = nextIsSameModel ? 0 : config.retries();
            for (int attempt = 0; attempt <= retries; attempt++) {
                if (!breakers.allow(t.name())) {
                    last = last != null ? last : ProviderException.circuitOpen(t.model().provider(), t.name());
                    break;
                }
                if (attempt > 0) {
                    pause(config.retryBackoff().toMillis() << (attempt - 1));
                }
                try {
                    T result = attempt(t, call);
                    breakers.success(t.name());
                    t.conversation().ifPresent(k -> affinity.remember(k, t.circuit()));
                    String primary = targets.getFirst().model().id();
                    if (!t.model().id().equals(primary)) {
                        onFallback.accept(primary, t.model().id());
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

    private <T> T attempt(Target t, Function<Target, T> call) {
        balancer.started(t.circuit());
        try {
            return call.apply(t);
        } finally {
            balancer.ended(t.circuit());
        }
    }

    /** The state of each of {@code m}'s deployments on this node. */
    List<DeploymentHealth> health(Model m) {
        return m.deployments().stream().map(d -> {
            String circuit = m.balanced() ? d.name() : m.id();
            return new DeploymentHealth(d, circuit, breakers.state(circuit), balancer.inFlight(circuit),
                    providers.find(d.provider()).isPresent());
        }).toList();
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
