/**
 * Observability: settlement off the response path ({@code RequestLogWriter}, batched and durable), Prometheus
 * metrics, the access log and the JSON log layout. Must not import {@code io.hpp.router.http}.
 */
package io.hpp.router.observe;
