package io.hpp.router.observe;

import io.hpp.router.testing.TestPostgres;

class PostgresSettlementWriterTest extends SettlementWriterContract {
    @Override
    String jdbcUrl() {
        return TestPostgres.shared().newDatabase();
    }
}
