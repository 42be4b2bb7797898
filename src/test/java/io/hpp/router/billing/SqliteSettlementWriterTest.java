package io.hpp.router.billing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

class SqliteSettlementWriterTest extends SettlementWriterContract {
    @Override
    String jdbcUrl() {
        try {
            return "jdbc:sqlite:" + Files.createTempDirectory("writer-contract").resolve("s.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
