package io.hpp.router.store;

/** The SQL dialects we run on. Our SQL is written to the subset both understand; migrations differ. */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRES("postgres");

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    public String migrationFolder() {
        return migrationFolder;
    }

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        throw new IllegalArgumentException("unsupported database URL " + jdbcUrl + ": expected jdbc:sqlite: or jdbc:postgresql:");
    }
}
