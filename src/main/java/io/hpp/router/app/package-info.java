/**
 * The wiring, at the top: {@code Main} (the command line), {@code App} (store, caches, services and server built by
 * hand, no container), {@code ProviderWiring} (the one place that names the provider adapters) and the CLI commands.
 * Nothing imports this package.
 */
package io.hpp.router.app;
