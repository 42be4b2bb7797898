package io.hpp.router.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

class SqliteStoreTest extends StoreContract {
    @Override
    String jdbcUrl() {
        try {
            return "jdbc:sqlite:" + Files.createTempDirectory("store-contract").resolve("s.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
