package io.hpp.router.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The routing rulesets of {@link JdbcStore}: versions, one active at a time. */
final class RulesetRows {
    private final Jdbc jdbc;
    private final Dialect dialect;

    RulesetRows(Jdbc jdbc, Dialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    List<RulesetRecord> rulesets() {
        return jdbc.query("SELECT version, created_at, created_by, body, active FROM routing_rulesets ORDER BY version", RulesetRows::rulesetRow);
    }

    Optional<RulesetRecord> activeRuleset() {
        return jdbc.queryOne("SELECT version, created_at, created_by, body, active FROM routing_rulesets WHERE active = 1",
                RulesetRows::rulesetRow);
    }

    RulesetRecord publishRuleset(String body, String createdBy) {
        long now = System.currentTimeMillis();
        long version = jdbc.inTransaction(tx -> {
            if (dialect == Dialect.POSTGRES) {
                tx.update("LOCK TABLE routing_rulesets IN SHARE ROW EXCLUSIVE MODE");
            }
            long next = tx.query("SELECT COALESCE(MAX(version), 0) + 1 FROM routing_rulesets", rs -> rs.getLong(1)).getFirst();
            tx.update("UPDATE routing_rulesets SET active = 0 WHERE active = 1");
            tx.update("INSERT INTO routing_rulesets (version, created_at, created_by, body, active) VALUES (?, ?, ?, ?, 1)",
                    next, now, createdBy, body);
            return next;
        });
        return new RulesetRecord(version, Instant.ofEpochMilli(now), createdBy, body, true);
    }

    boolean activateRuleset(long version) {
        return jdbc.inTransaction(tx -> {
            if (tx.query("SELECT version FROM routing_rulesets WHERE version = ?", rs -> rs.getLong(1), version).isEmpty()) {
                return false;
            }
            tx.update("UPDATE routing_rulesets SET active = 0 WHERE active = 1");
            tx.update("UPDATE routing_rulesets SET active = 1 WHERE version = ?", version);
            return true;
        });
    }

    static RulesetRecord rulesetRow(ResultSet rs) throws SQLException {
        return new RulesetRecord(rs.getLong("version"), Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("created_by"),
                rs.getString("body"), rs.getInt("active") == 1);
    }
}
