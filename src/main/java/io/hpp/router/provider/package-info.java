/**
 * Providers: the {@link io.hpp.router.provider.Provider} and {@code ImageProvider} interfaces, HTTP to upstreams
 * ({@code Upstream} over our own HTTP/1.1 client, {@code HttpConnection} and {@code ConnectionPool}), SSE reading, timeouts ({@code Watchdog}), circuit breakers
 * and provider errors. Must not import {@code io.hpp.router.http}, billing or the store.
 */
package io.hpp.router.provider;
