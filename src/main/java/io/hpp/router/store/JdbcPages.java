package io.hpp.router.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The paged reads of {@link JdbcStore} (consumers, the admin audit, the request log), keyset-paged by
 * {@code (created_at, id)}, and the audit's writes.
 */
final class JdbcPages {
    private final Jdbc jdbc;

    JdbcPages(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    List<ConsumerRecord> consumers(Optional<String> query, Optional<Store.ConsumerCursor> after, int limit, String columns,
                                   Jdbc.RowMapper<ConsumerRecord> row) {
        StringBuilder sql = new StringBuilder("SELECT " + columns + " FROM consumers WHERE 1 = 1");
        List<Object> params = new java.util.ArrayList<>();
        query.filter(q -> !q.isEmpty()).ifPresent(q -> {
            String like = "%" + q.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            sql.append(" AND (LOWER(id) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(username, '')) LIKE ? ESCAPE '\\' "
                    + "OR LOWER(COALESCE(custom_id, '')) LIKE ? ESCAPE '\\')");
            params.add(like);
            params.add(like);
            params.add(like);
        });
        after.ifPresent(c -> pageFrom(sql, params, c.createdAt(), c.id(), ">"));
        sql.append(" ORDER BY created_at, id LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), row, params.toArray());
    }

    /** Keyset paging by (created_at, id): the rows after ({@code ">"}) or before ({@code "<"}) a page's last row. */
    private static void pageFrom(StringBuilder sql, List<Object> params, Instant at, String id, String direction) {
        sql.append(" AND (created_at ").append(direction).append(" ? OR (created_at = ? AND id ").append(direction).append(" ?))");
        params.add(at.toEpochMilli());
        params.add(at.toEpochMilli());
        params.add(id);
    }

    void audit(AuditEntry e) {
        jdbc.update("INSERT INTO admin_audit (id, created_at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                e.id(), e.at().toEpochMilli(), e.actor(), e.action(), e.target(), e.detail());
    }

    List<AuditEntry> auditPage(Optional<String> target, Optional<Store.LogCursor> before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, created_at, actor, action, target, detail FROM admin_audit WHERE 1 = 1");
        List<Object> params = new java.util.ArrayList<>();
        target.ifPresent(t -> {
            sql.append(" AND target = ?");
            params.add(t);
        });
        before.ifPresent(cur -> pageFrom(sql, params, cur.createdAt(), cur.id(), "<"));
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), rs -> new AuditEntry(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("created_at")),
                rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("detail")), params.toArray());
    }

    List<RequestLogEntry> requestLogPage(LogFilter filter, Optional<Store.LogCursor> before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM request_log WHERE 1 = 1");
        List<Object> params = new java.util.ArrayList<>();
        filter.where(sql, params);
        before.ifPresent(cur -> pageFrom(sql, params, cur.createdAt(), cur.id(), "<"));
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), RequestLogRows::read, params.toArray());
    }
}
