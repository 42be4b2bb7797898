package io.hpp.router.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import io.hpp.router.value.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Maps {@code api_keys} rows to {@link ApiKeyRecord} and {@link KeySpend}. */
final class KeyRows {
    private KeyRows() {
    }

    static ApiKeyRecord key(ResultSet rs) throws SQLException {
        KeySettings settings = new KeySettings(Jdbc.optLong(rs, "expires_at").map(Instant::ofEpochMilli),
                Jdbc.optLong(rs, "budget_nanos").map(Money::new),
                Optional.ofNullable(rs.getString("budget_period")).flatMap(BudgetPeriod::of),
                models(rs.getString("allowed_models")),
                new ConsumerRecord.RateLimits(Jdbc.optLong(rs, "rate_rpm"), Jdbc.optLong(rs, "rate_tpm")),
                rs.getInt("disabled") == 1, Optional.ofNullable(rs.getString("metadata")));
        return new ApiKeyRecord(rs.getString("id"), rs.getString("consumer_id"), rs.getBytes("secret_hash"),
                Optional.ofNullable(rs.getString("name")), Instant.ofEpochMilli(rs.getLong("created_at")),
                Jdbc.optLong(rs, "revoked_at").map(Instant::ofEpochMilli), settings,
                Optional.ofNullable(rs.getBytes("previous_secret_hash")),
                Jdbc.optLong(rs, "previous_secret_until").map(Instant::ofEpochMilli));
    }

    static KeySpend spend(ResultSet rs) throws SQLException {
        return new KeySpend(rs.getString("id"), rs.getLong("period_start"), new Money(rs.getLong("spent_nanos")),
                new Money(rs.getLong("reserved_nanos")), new Money(rs.getLong("spent_total_nanos")), rs.getLong("requests"),
                rs.getLong("total_tokens"), Jdbc.optLong(rs, "last_used_at").map(Instant::ofEpochMilli));
    }

    /** The allowed models as stored: a JSON array, or null for none (all allowed). */
    static String models(List<String> allowed) {
        if (allowed.isEmpty()) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsString(allowed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serializes", e);
        }
    }

    static List<String> models(String stored) throws SQLException {
        if (stored == null) {
            return List.of();
        }
        try {
            List<String> out = new ArrayList<>();
            for (JsonNode n : Json.MAPPER.readTree(stored)) {
                out.add(n.asText());
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new SQLException("allowed_models is not a JSON array: " + e.getOriginalMessage(), e);
        }
    }
}
