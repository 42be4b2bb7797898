/**
 * The HTTP/1.1 client for providers: {@code Upstream} (one provider's base URL, headers, pooled connections and
 * timeouts) and its {@code Exchange}, {@code SseReader}, {@code Watchdog} (timeouts), {@code AnswerMemory} (the budget a
 * whole answer is read within), {@code ProviderException} (every provider failure, with the status the client gets)
 * and {@code Transport} (how connections are opened: directly or through an HTTP proxy's CONNECT tunnel, TLS trusting
 * the JDK's CAs and a PEM bundle's). {@code HttpConnection}, {@code ConnectionPool} and {@code HttpBodies} are
 * package-private: framing is decided here and nowhere else. Imports only {@code wire}, {@code config}, {@code value}
 * and {@code common}.
 */
package io.hpp.router.upstream;
