package io.hpp.router.store;

import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Maps {@link RequestLogEntry} to and from the append-only {@code request_log} table. */
final class RequestLogRows {
    private RequestLogRows() {
    }

    /** Inserts the row unless one with its id is stored already; 1 when it did, 0 when it was there. */
    static int insert(Jdbc.Tx tx, RequestLogEntry e) throws SQLException {
        return tx.update("INSERT INTO request_log (id, consumer_id, key_id, requested_model, resolved_model, basket, rule_id, "
                        + "rules_version, tier, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, "
                        + "cost_nanos, status, error_code, streamed, latency_ms, ttft_ms, created_at, request_id, endpoint, upstream_ms, "
                        + "baseline_cost_nanos, rerouted_from, deployment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO NOTHING",
                e.id(), e.consumerId(), e.keyId(), e.requestedModel(), e.resolvedModel(), e.basket(), e.ruleId(),
                e.rulesVersion(), e.tier(), e.usage().promptTokens(), e.usage().output(), e.usage().cacheRead(),
                e.usage().cacheWrite(), e.cost().nanos(), e.status(), e.errorCode(), e.streamed(), e.latencyMs(),
                e.ttftMs(), e.createdAt().toEpochMilli(), e.meta().requestId(), e.meta().endpoint(), e.meta().upstreamMs(),
                e.meta().baselineCost().map(Money::nanos), e.meta().reroutedFrom(), e.meta().deployment());
    }

    static RequestLogEntry read(ResultSet rs) throws SQLException {
        return new RequestLogEntry(rs.getString("id"), rs.getString("consumer_id"), rs.getString("key_id"),
                rs.getString("requested_model"), Optional.ofNullable(rs.getString("resolved_model")),
                Optional.ofNullable(rs.getString("basket")), Optional.ofNullable(rs.getString("rule_id")),
                Jdbc.optLong(rs, "rules_version"), Optional.ofNullable(rs.getString("tier")), usage(rs),
                new Money(rs.getLong("cost_nanos")), rs.getInt("status"), Optional.ofNullable(rs.getString("error_code")),
                rs.getInt("streamed") == 1, rs.getLong("latency_ms"), Jdbc.optLong(rs, "ttft_ms"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                new RequestLogEntry.Meta(rs.getString("request_id"), rs.getString("endpoint"), Jdbc.optLong(rs, "upstream_ms"),
                        Jdbc.optLong(rs, "baseline_cost_nanos").map(Money::new), Optional.ofNullable(rs.getString("rerouted_from")),
                        Optional.ofNullable(rs.getString("deployment"))));
    }

    /** Stored prompt tokens include the cached ones; the usage keeps them apart. */
    static TokenUsage usage(ResultSet rs) throws SQLException {
        long prompt = rs.getLong("prompt_tokens");
        long cacheRead = rs.getLong("cache_read_tokens");
        long cacheWrite = rs.getLong("cache_write_tokens");
        return new TokenUsage(prompt - cacheRead - cacheWrite, rs.getLong("completion_tokens"), cacheWrite, cacheRead);
    }
}
