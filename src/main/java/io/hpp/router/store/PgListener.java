package io.hpp.router.store;

import io.hpp.router.common.Background;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Receives cross-node events over PostgreSQL {@code LISTEN/NOTIFY} on one connection of its own, held by one
 * thread. A lost connection is re-opened (with backoff) and, since events sent meanwhile are lost, the handler is
 * told {@code resync} so that it refreshes everything it caches.
 */
final class PgListener implements AutoCloseable {
    static final String CHANNEL = "hpp_router";
    static final String RESYNC = "resync";

    private final DataSource ds;
    private final Consumer<String> handler;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection current;

    private PgListener(DataSource ds, Consumer<String> handler) {
        this.ds = ds;
        this.handler = handler;
        this.thread = Thread.ofPlatform().name("hpp-pg-listener").daemon(true).unstarted(this::run);
    }

    static PgListener start(DataSource ds, Consumer<String> handler) {
        PgListener l = new PgListener(ds, handler);
        l.thread.start();
        return l;
    }

    private void run() {
        long backoff = 100;
        boolean first = true;
        while (!closed) {
            try (Connection c = ds.getConnection()) {
                current = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                if (!first) {
                    deliver(RESYNC);
                }
                first = false;
                backoff = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] events = pg.getNotifications(500);
                    if (events != null) {
                        for (PGNotification n : events) {
                            deliver(n.getParameter());
                        }
                    }
                }
            } catch (Throwable e) {
                // any throwable, Errors included: a dead listener would leave this node's caches stale for good
                if (closed) {
                    return;
                }
                Background.report("listening for cross-node events (retrying in " + backoff + " ms)", e);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void deliver(String event) {
        Background.guarded("handling cross-node event '" + event + "'", () -> handler.accept(event)).run();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
