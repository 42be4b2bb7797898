package io.hpp.router.store;

import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SQLite allows one writer at a time, so every write of this process goes through one long-lived connection, one at a
 * time, with its statements prepared once. Waiting on this lock is cheap, whereas SQLite's own busy handler sleeps in
 * native code and pins a carrier thread; and explicit BEGIN IMMEDIATE / COMMIT on an auto-commit connection avoid the
 * driver's habit of opening the next transaction right after each commit.
 */
final class SqliteWriter implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final LongLivedConnection connection;

    SqliteWriter(LongLivedConnection.Opener opener) {
        this.connection = new LongLivedConnection(opener);
    }

    <T> T inTransaction(Jdbc.Work<T> work) {
        lock.lock();
        try {
            Jdbc.Tx t = connection.tx();
            t.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run(t);
                t.execute("COMMIT");
                return result;
            } catch (Throwable e) {
                // Errors too: left open, the transaction would make the next BEGIN fail
                rollback(t);
                throw e;
            }
        } catch (SQLException e) {
            connection.reset();   // the next write starts on a fresh connection
            throw new StoreException("database transaction failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void rollback(Jdbc.Tx t) {
        try {
            t.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was open (BEGIN failed), or the connection is broken and will be reopened
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.reset();
        } finally {
            lock.unlock();
        }
    }
}
