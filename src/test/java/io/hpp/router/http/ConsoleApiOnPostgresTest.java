package io.hpp.router.http;

import io.hpp.router.testing.TestPostgres;
import java.util.Map;

/** The console endpoints' SQL on PostgreSQL: the same traffic, health, top lists, series, log filters and preview as on SQLite. */
class ConsoleApiOnPostgresTest extends ConsoleApiTest {
    @Override
    Map<String, String> env() {
        return Map.of("HPP_ROUTER_DB_URL", TestPostgres.shared().newDatabase());
    }
}
