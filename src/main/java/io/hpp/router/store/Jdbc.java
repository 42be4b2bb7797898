package io.hpp.router.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Small JDBC helpers: statements with positional parameters, transactions, and SQLException to StoreException. */
final class Jdbc {
    private final DataSource ds;
    private final Optional<SqliteWriter> writer;

    /** @param writer SQLite: the one connection every write goes through (see {@link SqliteWriter}) */
    Jdbc(DataSource ds, Optional<SqliteWriter> writer) {
        this.ds = ds;
        this.writer = writer;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /**
     * One connection for the length of a unit of work. On a long-lived connection its statements are prepared once and
     * kept ({@code cache}); on a pooled one each is closed after use.
     */
    static final class Tx {
        private final Connection c;
        private final Map<String, PreparedStatement> cache;

        private Tx(Connection c, Map<String, PreparedStatement> cache) {
            this.c = c;
            this.cache = cache;
        }

        static Tx of(Connection c) {
            return new Tx(c, null);
        }

        static Tx cached(Connection c) {
            return new Tx(c, new HashMap<>());
        }

        int update(String sql, Object... params) throws SQLException {
            PreparedStatement ps = prepare(sql);
            try {
                bind(ps, params);
                return ps.executeUpdate();
            } finally {
                release(ps);
            }
        }

        <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
            PreparedStatement ps = prepare(sql);
            try {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(mapper.map(rs));
                    }
                    return out;
                }
            } finally {
                release(ps);
            }
        }

        /** Runs a statement without parameters or results (BEGIN, COMMIT, ROLLBACK). */
        void execute(String sql) throws SQLException {
            PreparedStatement ps = prepare(sql);
            try {
                ps.execute();
            } finally {
                release(ps);
            }
        }

        private PreparedStatement prepare(String sql) throws SQLException {
            if (cache == null) {
                return c.prepareStatement(sql);
            }
            PreparedStatement ps = cache.get(sql);
            if (ps == null) {
                ps = c.prepareStatement(sql);
                cache.put(sql, ps);
            }
            return ps;
        }

        private void release(PreparedStatement ps) throws SQLException {
            if (cache == null) {
                ps.close();
            } else {
                ps.clearParameters();
            }
        }

        /** Closes the cached statements (the connection is the caller's). */
        void closeStatements() {
            if (cache != null) {
                cache.values().forEach(ps -> {
                    try {
                        ps.close();
                    } catch (SQLException ignored) {
                        // the connection is being closed anyway
                    }
                });
                cache.clear();
            }
        }
    }

    <T> T inTransaction(Work<T> work) {
        if (writer.isPresent()) {
            return writer.get().inTransaction(work);
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(Tx.of(c));
                c.commit();
                return result;
            } catch (Throwable e) {
                // Errors too: the pool must not get the connection back in the middle of a transaction
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("database transaction failed: " + e.getMessage(), e);
        }
    }

    <T> T withConnection(Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(Tx.of(c));
        } catch (SQLException e) {
            throw new StoreException("database query failed: " + e.getMessage(), e);
        }
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return withConnection(tx -> tx.query(sql, mapper, params));
    }

    <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    int update(String sql, Object... params) {
        return inTransaction(tx -> tx.update(sql, params));
    }

    /** Binds parameters; an {@code Optional} binds its value or SQL NULL of the given type hint. */
    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Optional<?> o) {
                p = o.orElse(null);
            }
            switch (p) {
                case null -> ps.setNull(i + 1, Types.NULL);
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case Boolean b -> ps.setInt(i + 1, b ? 1 : 0);
                case byte[] bytes -> ps.setBytes(i + 1, bytes);
                default -> throw new IllegalArgumentException("cannot bind " + p.getClass().getName() + " at position " + (i + 1));
            }
        }
    }

    static Optional<Long> optLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
