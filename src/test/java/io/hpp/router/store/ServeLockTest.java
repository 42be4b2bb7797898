package io.hpp.router.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.config.ConfigException;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.config.RouterConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One serving router per SQLite file: its quota holds live in that process. */
class ServeLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRouterOnTheSameSqliteFileIsRefusedUntilTheFirstStops() {
        RouterConfig config = ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("one.db")));
        RouterConfig other = ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("two.db")));
        ServeLock first = ServeLock.acquire(config).orElseThrow();
        assertThatThrownBy(() -> ServeLock.acquire(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("already serving").hasMessageContaining("PostgreSQL");
        try (ServeLock unrelated = ServeLock.acquire(other).orElseThrow()) {
            assertThat(unrelated).isNotNull();
        }
        first.close();
        try (ServeLock again = ServeLock.acquire(config).orElseThrow()) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void theDatabaseFolderIsCreatedForTheLockAsForTheDatabase() {
        Path db = dir.resolve("not-yet").resolve("deeper").resolve("hpp-router.db");
        RouterConfig config = ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + db));
        try (ServeLock lock = ServeLock.acquire(config).orElseThrow()) {
            assertThat(db.resolveSibling("hpp-router.db.serve-lock")).exists();
        }
    }

    @Test
    void postgresNeedsNoLock() {
        RouterConfig pg = ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:postgresql://127.0.0.1:1/x"));
        assertThat(ServeLock.acquire(pg)).isEmpty();
    }
}
