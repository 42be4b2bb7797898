package io.hpp.router.store;

import io.hpp.router.value.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Maps {@code consumers} rows to {@link ConsumerRecord}. */
final class ConsumerRows {
    static final String COLUMNS = "id, username, custom_id, quota_nanos, used_nanos, reserved_nanos, requests, "
            + "total_tokens, created_at, auto_requests, auto_cost_nanos, auto_baseline_nanos, rate_rpm, rate_tpm";

    private ConsumerRows() {
    }

    static ConsumerRecord read(ResultSet rs) throws SQLException {
        return new ConsumerRecord(rs.getString("id"), Optional.ofNullable(rs.getString("username")),
                Optional.ofNullable(rs.getString("custom_id")), new Money(rs.getLong("quota_nanos")),
                new Money(rs.getLong("used_nanos")), new Money(rs.getLong("reserved_nanos")), rs.getLong("requests"),
                rs.getLong("total_tokens"), Instant.ofEpochMilli(rs.getLong("created_at")),
                new ConsumerRecord.AutoTotals(rs.getLong("auto_requests"), new Money(rs.getLong("auto_cost_nanos")),
                        new Money(rs.getLong("auto_baseline_nanos"))),
                new ConsumerRecord.RateLimits(Jdbc.optLong(rs, "rate_rpm"), Jdbc.optLong(rs, "rate_tpm")));
    }
}
