package io.hpp.router.value;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One catalog entry: the public id clients send ({@code openai/gpt-5}), the deployments that serve it (a provider and
 * the model name it knows, with a weight), its price, and the models to fall back to (in order) when none of its
 * deployments answers. {@code provider} and {@code upstreamModel} are those of the first deployment: a model served by
 * one provider is one deployment, the form the catalog has always had.
 */
public record Model(String id, String provider, String upstreamModel, String ownedBy, Price price,
                    Optional<Long> maxOutputTokens, boolean enabled, Kind kind, List<String> fallbacks,
                    List<Deployment> deployments) {

    /** The most deployments one model may have. */
    public static final int MAX_DEPLOYMENTS = 16;

    /**
     * One place a model is served: a configured provider and the model's name there; requests are spread over a
     * model's deployments by weight.
     */
    public record Deployment(String provider, String upstreamModel, int weight) {
        /** The most a weight may be. */
        public static final int MAX_WEIGHT = 1000;

        public Deployment {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(upstreamModel, "upstreamModel");
            if (provider.isBlank() || upstreamModel.isBlank()) {
                throw new IllegalArgumentException("a deployment's provider and upstream_model must not be blank");
            }
            if (weight < 1 || weight > MAX_WEIGHT) {
                throw new IllegalArgumentException("a deployment's weight must be 1.." + MAX_WEIGHT + ", got " + weight);
            }
        }

        /** {@code provider:upstream_model}: how logs, metrics and circuit breakers name it. */
        public String name() {
            return provider + ":" + upstreamModel;
        }
    }

    /** A model served by one provider: one deployment. */
    public Model(String id, String provider, String upstreamModel, String ownedBy, Price price,
                 Optional<Long> maxOutputTokens, boolean enabled, Kind kind, List<String> fallbacks) {
        this(id, provider, upstreamModel, ownedBy, price, maxOutputTokens, enabled, kind, fallbacks, List.of());
    }

    /** A model served by {@code deployments} (at least one), the first of which gives its provider and upstream model. */
    public static Model deployed(String id, List<Deployment> deployments, String ownedBy, Price price, Optional<Long> maxOutputTokens,
                                 boolean enabled, Kind kind, List<String> fallbacks) {
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one deployment");
        }
        Deployment first = deployments.getFirst();
        return new Model(id, first.provider(), first.upstreamModel(), ownedBy, price, maxOutputTokens, enabled, kind, fallbacks,
                deployments);
    }

    /** The same entry, enabled or disabled. */
    public Model withEnabled(boolean on) {
        return new Model(id, provider, upstreamModel, ownedBy, price, maxOutputTokens, on, kind, fallbacks, deployments);
    }

    /**
     * This model as served by one of its deployments: the same id, price and limits, the deployment's provider and
     * upstream model. Providers take it as they take any model.
     */
    public Model at(Deployment d) {
        return new Model(id, d.provider(), d.upstreamModel(), ownedBy, price, maxOutputTokens, enabled, kind, fallbacks, List.of(d));
    }

    /** Whether requests for it are spread over more than one deployment. */
    public boolean balanced() {
        return deployments.size() > 1;
    }

    /** What a model produces. */
    public enum Kind { CHAT, IMAGE }

    public Model {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(ownedBy, "ownedBy");
        Objects.requireNonNull(price, "price");
        fallbacks = List.copyOf(fallbacks);
        if (id.isBlank() || provider.isBlank() || upstreamModel.isBlank()) {
            throw new IllegalArgumentException("model id, provider and upstream_model must not be blank");
        }
        maxOutputTokens.ifPresent(m -> {
            if (m < 1) {
                throw new IllegalArgumentException("max_output_tokens must be >= 1, got " + m);
            }
        });
        deployments = deployments.isEmpty() ? List.of(new Deployment(provider, upstreamModel, 1)) : List.copyOf(deployments);
        if (deployments.size() > MAX_DEPLOYMENTS) {
            throw new IllegalArgumentException("a model may have at most " + MAX_DEPLOYMENTS + " deployments, got " + deployments.size());
        }
        Deployment first = deployments.getFirst();
        if (!first.provider().equals(provider) || !first.upstreamModel().equals(upstreamModel)) {
            throw new IllegalArgumentException("provider and upstream_model must be those of the first deployment ("
                    + first.name() + "), got " + provider + ":" + upstreamModel);
        }
        if (deployments.stream().map(Deployment::name).distinct().count() < deployments.size()) {
            throw new IllegalArgumentException("a model's deployments must differ in provider or upstream_model");
        }
    }
}
