package io.hpp.router.billing;

import io.hpp.router.testing.TestPostgres;

class PostgresSettlementWriterTest extends SettlementWriterContract {
    @Override
    String jdbcUrl() {
        return TestPostgres.shared().newDatabase();
    }
}
