package io.hpp.router.store;

import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.time.Instant;
import java.util.Optional;

/** One row of the append-only request log. */
public record RequestLogEntry(String id, String consumerId, String keyId, String requestedModel,
                             Optional<String> resolvedModel, Optional<String> basket, Optional<String> ruleId,
                             Optional<Long> rulesVersion, Optional<String> tier, TokenUsage usage, Money cost,
                             int status, Optional<String> errorCode, boolean streamed, long latencyMs,
                             Optional<Long> ttftMs, Instant createdAt, Meta meta) {

    /**
     * @param requestId    the X-Request-Id the client saw (the client's own, when it sent a well-formed one)
     * @param endpoint     {@code chat} or {@code images}
     * @param upstreamMs   time spent waiting for and reading the provider
     * @param baselineCost for {@code hpprouter/auto}: what the same tokens would have cost on the ruleset's most
     *                     expensive tier
     * @param reroutedFrom for {@code hpprouter/auto}: the model the rules chose, when the key does not allow it and the
     *                     request went to another tier
     * @param deployment   the deployment that served (or last failed) it: {@code provider:upstream_model}
     */
    public record Meta(String requestId, String endpoint, Optional<Long> upstreamMs, Optional<Money> baselineCost,
                       Optional<String> reroutedFrom, Optional<String> deployment) {
        public Meta(String requestId, String endpoint, Optional<Long> upstreamMs, Optional<Money> baselineCost,
                    Optional<String> reroutedFrom) {
            this(requestId, endpoint, upstreamMs, baselineCost, reroutedFrom, Optional.empty());
        }

        public Meta(String requestId, String endpoint, Optional<Long> upstreamMs, Optional<Money> baselineCost) {
            this(requestId, endpoint, upstreamMs, baselineCost, Optional.empty());
        }

        /** The same, naming the deployment that served the request. */
        public Meta withDeployment(Optional<String> d) {
            return new Meta(requestId, endpoint, upstreamMs, baselineCost, reroutedFrom, d);
        }

        public static Meta of(String requestId, String endpoint) {
            return new Meta(requestId, endpoint, Optional.empty(), Optional.empty());
        }
    }
}
