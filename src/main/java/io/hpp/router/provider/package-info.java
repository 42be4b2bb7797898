/**
 * The provider contract: {@link io.hpp.router.provider.Provider} (a whole answer, or a stream) and
 * {@code ImageProvider}, the configured providers by name ({@code Providers}) and per-model circuit breakers. The
 * adapters live in {@code provider.openai} and {@code provider.anthropic}, built by the wiring; the pipelines know
 * providers only by this contract. Must not import {@code http}, billing, the store or the adapters.
 */
package io.hpp.router.provider;
