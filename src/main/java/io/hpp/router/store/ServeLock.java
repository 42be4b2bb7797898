package io.hpp.router.store;

import io.hpp.router.config.ConfigException;
import io.hpp.router.config.RouterConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * SQLite: one serving router per database file, since the quota holds of requests in flight live in that process's
 * memory ({@link LocalHolds}); a second would not see the first one's holds. The CLI is not a router and may still
 * change the database while it serves. The operating system drops the lock when the process dies.
 */
public final class ServeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ServeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock for the configured SQLite file; empty for PostgreSQL. */
    public static Optional<ServeLock> acquire(RouterConfig config) {
        Optional<Path> db = config.sqliteFile();
        if (db.isEmpty()) {
            return Optional.empty();
        }
        Path file = db.get().toAbsolutePath().resolveSibling(db.get().getFileName() + ".serve-lock");
        FileChannel channel = null;
        try {
            // the lock comes before the database, which would create its folder: on a fresh machine ./data is not there
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw busy(db.get());
            }
            return Optional.of(new ServeLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw busy(db.get());
        } catch (IOException e) {
            close(channel);
            throw new ConfigException("cannot lock " + file + ": " + e.getMessage());
        } catch (ConfigException e) {
            close(channel);
            throw e;
        }
    }

    private static ConfigException busy(Path db) {
        return new ConfigException("another hpp-router is already serving " + db + "; an SQLite database has one router "
                + "process (use PostgreSQL to run several nodes)");
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // released with the channel
        }
        close(channel);
    }
}
