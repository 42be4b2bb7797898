/**
 * The adapter for every OpenAI-compatible upstream (OpenAI, Moonshot, Ollama): the client's bytes go upstream with
 * the model renamed, answers and stream events come back scanned. Built only by the wiring; imports the contract, the
 * HTTP client and the wire format.
 */
package io.hpp.router.provider.openai;
