/**
 * The chat pipeline: {@code ChatService.handle} validates, resolves, reserves, dispatches (with retries and fallbacks,
 * {@code Dispatcher}; a model's deployments ordered by the {@code Balancer}, a conversation kept on one by
 * {@code Affinity}) and settles; {@code StreamRelay} relays a stream; {@code RequestRecord} gathers what one request
 * did, for its settlement (images use it too). Must not import Helidon types (it talks to the client through
 * {@link io.hpp.router.chat.ClientChannel}) nor the provider adapters.
 */
package io.hpp.router.chat;
