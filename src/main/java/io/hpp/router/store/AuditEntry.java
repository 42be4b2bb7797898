package io.hpp.router.store;

import java.time.Instant;

/**
 * One administrative change: who made it ({@code admin-api} or {@code cli}), what it was ({@code key.update}), what it
 * was made to ({@code key:<id>}), and its details as JSON text (the fields changed, their values before and after).
 */
public record AuditEntry(String id, Instant at, String actor, String action, String target, String detail) {
}
