package io.hpp.router.http;

import io.hpp.router.testing.TestPostgres;
import java.util.Map;

/** The stats endpoints' SQL on PostgreSQL: the same log, the same buckets, totals and bounds as on SQLite. */
class StatsOnPostgresTest extends StatsRoutesTest {
    @Override
    Map<String, String> env() {
        return Map.of("HPP_ROUTER_DB_URL", TestPostgres.shared().newDatabase());
    }
}
