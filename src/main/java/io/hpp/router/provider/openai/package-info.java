/** The one adapter for every OpenAI-compatible upstream (OpenAI, Moonshot, Ollama). */
package io.hpp.router.provider.openai;
