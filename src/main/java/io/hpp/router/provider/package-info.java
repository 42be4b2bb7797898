/**
 * Providers: the {@link io.hpp.router.provider.Provider} interface, HTTP to upstreams ({@code Upstream}, the only
 * user of the HTTP client), SSE reading, timeouts and provider errors. Must not import {@code io.hpp.router.http},
 * billing or the store.
 */
package io.hpp.router.provider;
