package io.hpp.router.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which request log rows an operator asks for; every part optional. {@code model} matches the resolved or the requested
 * model (so {@code hpprouter/auto} finds every routed request); {@code status} is a {@link Status}.
 */
public record LogFilter(Optional<String> consumerId, Optional<String> keyId, Optional<String> model, Optional<String> basket,
                        Optional<Status> status, Optional<Instant> since, Optional<Instant> until) {
    public static final LogFilter ALL = new LogFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /** Answered below 400, 400 and above, or one exact status. */
    public sealed interface Status {
        record Ok() implements Status {
        }

        record Failed() implements Status {
        }

        record Exactly(int code) implements Status {
        }
    }

    /** Appends the filter's conditions ({@code AND …}) and their values. */
    void where(StringBuilder sql, List<Object> params) {
        add(sql, params, consumerId, " AND consumer_id = ?");
        keyId.ifPresent(k -> {
            // through the consumer's (consumer_id, created_at) index: the log has none on key_id (CPU per insert)
            sql.append(" AND consumer_id = (SELECT consumer_id FROM api_keys WHERE id = ?) AND key_id = ?");
            params.add(k);
            params.add(k);
        });
        model.ifPresent(m -> {
            sql.append(" AND (resolved_model = ? OR requested_model = ?)");
            params.add(m);
            params.add(m);
        });
        add(sql, params, basket, " AND basket = ?");
        status.ifPresent(s -> {
            switch (s) {
                case Status.Ok ok -> sql.append(" AND status < 400");
                case Status.Failed failed -> sql.append(" AND status >= 400");
                case Status.Exactly e -> {
                    sql.append(" AND status = ?");
                    params.add(e.code());
                }
            }
        });
        add(sql, params, since.map(Instant::toEpochMilli), " AND created_at >= ?");
        add(sql, params, until.map(Instant::toEpochMilli), " AND created_at < ?");
    }

    private static void add(StringBuilder sql, List<Object> params, Optional<?> value, String condition) {
        value.ifPresent(v -> {
            sql.append(condition);
            params.add(v);
        });
    }
}
