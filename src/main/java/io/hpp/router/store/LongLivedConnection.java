package io.hpp.router.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One SQLite connection kept open with its statements prepared once, opened on first use and again after an error.
 * Not thread-safe: its owner ({@link SqliteWriter}, {@link LocalHolds}) uses it under its own lock.
 */
final class LongLivedConnection {
    /** Opens the connection. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private Connection connection;
    private Jdbc.Tx tx;

    LongLivedConnection(Opener opener) {
        this.opener = opener;
    }

    /** The connection's unit of work with its cached statements, opening the connection if needed. */
    Jdbc.Tx tx() throws SQLException {
        if (connection == null) {
            connection = opener.open();
            tx = Jdbc.Tx.cached(connection);
        }
        return tx;
    }

    /** Closes the statements and the connection (after an error, or at shutdown); the next {@link #tx} reopens. */
    void reset() {
        if (tx != null) {
            tx.closeStatements();
        }
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // already broken
        }
        connection = null;
        tx = null;
    }
}
