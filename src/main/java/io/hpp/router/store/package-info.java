/**
 * The database: the {@link io.hpp.router.store.Store} interface, its JDBC implementation, migrations and the
 * connection pool; on SQLite also the one writer connection ({@code SqliteWriter}, over {@code LongLivedConnection}), the in-memory quota holds
 * ({@code LocalHolds}) and the one-router-per-file lock ({@code ServeLock}). Owns all SQL. Imports only {@code value}, {@code config} and {@code common}.
 */
package io.hpp.router.store;
