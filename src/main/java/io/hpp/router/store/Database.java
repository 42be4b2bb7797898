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

    public static HikariDataSource open(RouterConfig config) {
        Dialect dialect = Dialect.of(config.dbUrl());
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.dbUrl());
        hc.setPoolName("hpp-router-db");
        hc.setConnectionTimeout(3_000);
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
            hc.setDataSourceProperties(p);
            hc.setMaximumPoolSize(4);
        } else {
            hc.setMaximumPoolSize(16);
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
