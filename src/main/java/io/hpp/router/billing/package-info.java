/**
 * Money, prices, cost of token usage, and the quota ledger (reserve before dispatch, settle after). All amounts are
 * exact. Must not import {@code io.hpp.router.http} or provider code.
 */
package io.hpp.router.billing;
