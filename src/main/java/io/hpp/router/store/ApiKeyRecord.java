package io.hpp.router.store;

import java.time.Instant;
import java.util.Optional;

/** A stored API key: only the SHA-256 of its secret is kept. */
public record ApiKeyRecord(String id, String consumerId, byte[] secretHash, Optional<String> name, Instant createdAt,
                           Optional<Instant> revokedAt) {
    public boolean revoked() {
        return revokedAt.isPresent();
    }
}
