/**
 * Observability: Prometheus metrics, the access log and the JSON log layout. Reads request-log entries of the store;
 * must not import {@code http}, billing or provider code.
 */
package io.hpp.router.observe;
