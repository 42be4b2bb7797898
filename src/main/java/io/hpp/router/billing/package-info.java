/**
 * The money: {@code QuotaLedger} holds a request's worst case before any provider is called, charges its usage
 * (never more than the hold) and settles it through {@code SettlementWriter} (batched off the response path, one
 * transaction per batch; a refused row retried alone, cleaned, or set aside in {@code SetAsideFile}); the quota cache,
 * rate limits and {@code CostCalculator}. All amounts exact. Must not import {@code http} or provider code.
 */
package io.hpp.router.billing;
