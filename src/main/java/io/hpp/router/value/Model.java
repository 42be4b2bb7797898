package io.hpp.router.value;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One catalog entry: the public id clients send ({@code openai/gpt-5}), the provider that serves it, the model name
 * the provider knows, its price, and the models to fall back to (in order) when its provider fails.
 */
public record Model(String id, String provider, String upstreamModel, String ownedBy, Price price,
                    Optional<Long> maxOutputTokens, boolean enabled, Kind kind, List<String> fallbacks) {

    /** The same entry, enabled or disabled. */
    public Model withEnabled(boolean on) {
        return new Model(id, provider, upstreamModel, ownedBy, price, maxOutputTokens, on, kind, fallbacks);
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
    }
}
