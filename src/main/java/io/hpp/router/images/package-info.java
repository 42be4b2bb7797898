/**
 * Image generation ({@code POST /v1/images/generations}) on the ledger, with chat's request record. No Helidon types,
 * no provider adapters.
 */
package io.hpp.router.images;
