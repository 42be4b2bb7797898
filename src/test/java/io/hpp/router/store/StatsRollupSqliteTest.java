package io.hpp.router.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

class StatsRollupSqliteTest extends StatsRollupContract {
    @Override
    String jdbcUrl() {
        try {
            return "jdbc:sqlite:" + Files.createTempDirectory("stats-rollup").resolve("s.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
