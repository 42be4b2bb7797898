/**
 * Providers: the {@link io.hpp.router.provider.Provider} and {@code ImageProvider} interfaces, HTTP to upstreams
 * ({@code Upstream}, the only user of the HTTP client), SSE reading, timeouts ({@code Watchdog}), circuit breakers
 * and provider errors. Must not import {@code io.hpp.router.http}, billing or the store.
 */
package io.hpp.router.provider;
