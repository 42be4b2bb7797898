/**
 * What every package shares, at the bottom: {@code Json} (the one Jackson mapper, and every tree the router reads),
 * {@code JsonElements} (how much JSON a body may hold), {@code ApiException} (gateway errors with their status and
 * code), {@code Ids} and {@code Background} (background work that survives any throwable). Imports nothing of the
 * router.
 */
package io.hpp.router.common;
