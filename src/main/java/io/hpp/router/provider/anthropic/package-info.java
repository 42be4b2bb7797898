/**
 * The adapter for Anthropic's Messages API behind the OpenAI chat format: {@code AnthropicMapper} translates requests,
 * answers, stream events and errors as pure functions (golden-tested), {@code AnthropicProvider} does the HTTP. Built
 * only by the wiring; imports the contract, the HTTP client and the wire format.
 */
package io.hpp.router.provider.anthropic;
