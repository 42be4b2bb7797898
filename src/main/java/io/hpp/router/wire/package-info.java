/**
 * The OpenAI chat wire format as the gateway reads and writes it, below everything that reads it (chat, routing,
 * billing, the providers and their HTTP client): the client's request ({@code ChatBody}, its checks
 * {@code RequestCheck} and the facts {@code ChatRequest}), the provider's answer ({@code Completion}) and stream events
 * ({@code StreamChunk}), scanned by {@code JsonCursor} instead of a tree on the hot path, {@code UsageReader}, and
 * {@code BodyParts} (a body as ranges of byte arrays). Pure functions of bytes and trees: no I/O. Imports only
 * {@code value} and {@code common}.
 */
package io.hpp.router.wire;
