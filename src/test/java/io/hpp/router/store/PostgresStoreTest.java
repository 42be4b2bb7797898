package io.hpp.router.store;

import io.hpp.router.testing.TestPostgres;

class PostgresStoreTest extends StoreContract {
    @Override
    String jdbcUrl() {
        return TestPostgres.shared().newDatabase();
    }
}
