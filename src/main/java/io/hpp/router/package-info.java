/**
 * HPP Router. The packages, top to bottom (each imports only those below it; {@code app.ArchitectureTest} checks it):
 * {@code app} → {@code http} → {@code images}, {@code admin}, {@code chat} → {@code routing}, {@code billing},
 * {@code provider} and its adapters → {@code catalog}, {@code auth}, {@code observe} → {@code upstream},
 * {@code store} → {@code wire} → {@code config}, {@code value}, {@code common}. {@code dialect} (the client dialects besides
 * chat, translated at the edge) is used by {@code app} and {@code http} and imports only {@code wire}, {@code value} and
 * {@code common}. See docs/ARCHITECTURE.md.
 */
package io.hpp.router;
