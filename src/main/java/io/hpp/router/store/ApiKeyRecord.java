package io.hpp.router.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A stored API key: only the SHA-256 of its secret is kept. During a rotation's grace period the previous secret's
 * hash is kept too, until {@code previousUntil}.
 */
public record ApiKeyRecord(String id, String consumerId, byte[] secretHash, Optional<String> name, Instant createdAt,
                           Optional<Instant> revokedAt, KeySettings settings, Optional<byte[]> previousHash,
                           Optional<Instant> previousUntil) {
    /** A key with no settings of its own: its consumer's rights. */
    public ApiKeyRecord(String id, String consumerId, byte[] secretHash, Optional<String> name, Instant createdAt,
                        Optional<Instant> revokedAt) {
        this(id, consumerId, secretHash, name, createdAt, revokedAt, KeySettings.NONE, Optional.empty(), Optional.empty());
    }

    public boolean revoked() {
        return revokedAt.isPresent();
    }

    public boolean expired(Instant now) {
        return settings.expiresAt().filter(e -> !e.isAfter(now)).isPresent();
    }

    /** Whether holds for this key's requests must also fit its budget. */
    public boolean budgeted() {
        return settings.budget().isPresent();
    }
}
