/**
 * The database: the {@link io.hpp.router.store.Store} interface, its JDBC implementation, migrations and the
 * connection pool; on SQLite also the one writer connection ({@code SqliteWriter}, over {@code LongLivedConnection}), the in-memory quota holds
 * ({@code LocalHolds}) and the one-router-per-file lock ({@code ServeLock}). Owns all SQL. Must not import {@code io.hpp.router.http} or provider code.
 */
package io.hpp.router.store;
