/**
 * The chat pipeline: {@code ChatService.handle} authenticates, validates, resolves, reserves, dispatches and settles.
 * Must not import Helidon types: it talks to the client through {@link io.hpp.router.chat.ClientChannel}.
 */
package io.hpp.router.chat;
