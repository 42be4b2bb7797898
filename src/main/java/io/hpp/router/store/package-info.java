/**
 * The database: the {@link io.hpp.router.store.Store} interface, its JDBC implementation, migrations and the
 * connection pool. Owns all SQL. Must not import {@code io.hpp.router.http} or provider code.
 */
package io.hpp.router.store;
