/**
 * Anthropic: {@code AnthropicMapper} (pure translation, golden-tested) and {@code AnthropicProvider} (HTTP through
 * {@code Upstream}). Must not import {@code io.hpp.router.http}, billing or the store.
 */
package io.hpp.router.provider.anthropic;
