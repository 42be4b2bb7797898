package io.hpp.router.store;

import io.hpp.router.billing.Money;
import io.hpp.router.billing.TokenUsage;
import java.time.Instant;
import java.util.Optional;

/** One row of the append-only request log. */
public record RequestLogEntry(String id, String consumerId, String keyId, String requestedModel,
                             Optional<String> resolvedModel, Optional<String> basket, Optional<String> ruleId,
                             Optional<Long> rulesVersion, Optional<String> tier, TokenUsage usage, Money cost,
                             int status, Optional<String> errorCode, boolean streamed, long latencyMs,
                             Optional<Long> ttftMs, Instant createdAt) {
}
