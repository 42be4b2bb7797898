package io.hpp.router.store;

import io.hpp.router.testing.TestPostgres;

class StatsRollupPostgresTest extends StatsRollupContract {
    @Override
    String jdbcUrl() {
        return TestPostgres.shared().newDatabase();
    }
}
