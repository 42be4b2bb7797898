/**
 * Observability: settlement off the response path ({@code SettlementWriter}, batched and durable; a row the database
 * refuses is retried alone, cleaned, then set aside in the {@code SetAsideFile} by {@code PendingSettlements}),
 * Prometheus metrics, the access log and the JSON log layout. Must not import {@code io.hpp.router.http}.
 */
package io.hpp.router.observe;
