package io.hpp.router.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/** Opens the connection pool for the configured database and brings its schema up to date. */
public final class Database {
    private Database() {
    }

    /**
     * PostgreSQL only: a pool whose sessions commit without waiting for the WAL flush, used for quota holds alone
     * (a hold lost in a database crash is lost together with its balance change, which is harmless).
     */
    public static HikariDataSource openHoldPool(RouterConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.dbUrl());
        hc.setPoolName("hpp-router-holds");
        hc.setConnectionTimeout(config.dbConnectTimeout().toMillis());
        hc.setMaximumPoolSize(config.dbPoolSize());
        hc.setMinimumIdle(1);
        hc.setConnectionInitSql("SET synchronous_commit TO OFF");
        config.dbUser().ifPresent(hc::setUsername);
        config.dbPassword().map(Secret::reveal).ifPresent(hc::setPassword);
        hc.addDataSourceProperty("socketTimeout", String.valueOf(Math.max(10, config.dbConnectTimeout().toSeconds() * 5)));
        hc.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, config.dbConnectTimeout().toSeconds())));
        hc.setInitializationFailTimeout(-1);
        return new HikariDataSource(hc);
    }

    public static HikariDataSource open(RouterConfig config) {
        Dialect dialect = Dialect.of(config.dbUrl());
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.dbUrl());
        hc.setPoolName("hpp-router-db");
        hc.setConnectionTimeout(config.dbConnectTimeout().toMillis());
        hc.setMaximumPoolSize(config.dbPoolSize());
        hc.setValidationTimeout(1_000);
        hc.setInitializationFailTimeout(10_000);
        config.dbUser().ifPresent(hc::setUsername);
        config.dbPassword().map(Secret::reveal).ifPresent(hc::setPassword);
        if (dialect == Dialect.SQLITE) {
            config.sqliteFile().map(Path::toAbsolutePath).map(Path::getParent).ifPresent(Database::createDirectories);
            Properties p = new Properties();
            p.setProperty("journal_mode", "WAL");
            p.setProperty("synchronous", "NORMAL");
            p.setProperty("busy_timeout", "10000");
            p.setProperty("foreign_keys", "true");
            p.setProperty("transaction_mode", "IMMEDIATE");
            // no caller asks for generated keys; left on, the driver prepares and runs "SELECT last_insert_rowid()"
            // after every INSERT (7% of the request-log writer's samples at 1,000 req/s)
            p.setProperty("jdbc.get_generated_keys", "false");
            hc.setDataSourceProperties(p);
        } else {
            // a statement that cannot finish in time fails (closed) instead of holding a request forever
            hc.addDataSourceProperty("socketTimeout", String.valueOf(Math.max(10, config.dbConnectTimeout().toSeconds() * 5)));
            hc.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, config.dbConnectTimeout().toSeconds())));
            hc.addDataSourceProperty("tcpKeepAlive", "true");
        }
        HikariDataSource ds = new HikariDataSource(hc);
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration/" + dialect.migrationFolder())
                .load()
                .migrate();
        return ds;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create database directory " + dir, e);
        }
    }
}
