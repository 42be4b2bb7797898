package io.hpp.router.store;

import java.time.Instant;

/** One stored version of the smart-routing rules; {@code body} is the ruleset's JSON. */
public record RulesetRecord(long version, Instant createdAt, String createdBy, String body, boolean active) {
}
