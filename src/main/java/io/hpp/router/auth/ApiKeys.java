package io.hpp.router.auth;

import io.hpp.router.common.ApiException;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.KeySettings;
import io.hpp.router.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Issues and checks API keys. A key reads {@code hpp_<id>.<secret>}: the id is public and indexes the row, the
 * secret is 32 random bytes of which only a SHA-256 is stored; checks compare hashes in constant time.
 */
public final class ApiKeys {
    private static final String PREFIX = "hpp_";
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How long a verified key is trusted without asking the database again. */
    private static final long CACHE_NANOS = java.time.Duration.ofSeconds(5).toNanos();

    private record Cached(ApiKeyRecord key, long loadedAt) {
    }

    private final Store store;
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    public ApiKeys(Store store) {
        this.store = store;
    }

    /** A newly issued key: the plaintext is returned once and never stored. */
    public record Issued(String keyId, String key) {
        @Override
        public String toString() {
            return "Issued[keyId=" + keyId + ", key=*****]";
        }
    }

    public Issued issue(String consumerId, Optional<String> name) {
        return issue(consumerId, name, KeySettings.NONE);
    }

    public Issued issue(String consumerId, Optional<String> name, KeySettings settings) {
        StringBuilder id = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)]);
        }
        String secret = secret();
        store.createKey(new ApiKeyRecord(id.toString(), consumerId, sha256(secret), name, Instant.now(), Optional.empty(), settings,
                Optional.empty(), Optional.empty()));
        return new Issued(id.toString(), PREFIX + id + "." + secret);
    }

    /**
     * Gives the key a new secret, keeping its id, settings and spend; the old secret keeps working for {@code grace}
     * (zero: it stops at once). Empty when there is no such unrevoked key.
     */
    public Optional<Issued> rotate(String keyId, java.time.Duration grace) {
        String secret = secret();
        Optional<Instant> previousUntil = grace.isZero() ? Optional.empty() : Optional.of(Instant.now().plus(grace));
        if (!store.rotateKey(keyId, sha256(secret), previousUntil)) {
            return Optional.empty();
        }
        cache.remove(keyId);
        return Optional.of(new Issued(keyId, PREFIX + keyId + "." + secret));
    }

    private static String secret() {
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    }

    /** Revokes the key; this node stops accepting it at once, other processes within the cache lifetime (5 s). */
    public boolean revoke(String keyId) {
        boolean revoked = store.revokeKey(keyId, Instant.now());
        cache.remove(keyId);
        return revoked;
    }

    /** Forgets a cached key (a revocation made elsewhere). */
    public void invalidate(String keyId) {
        cache.remove(keyId);
    }

    /** Forgets every cached key (after missing cross-node events). */
    public void invalidateAll() {
        cache.clear();
    }

    /**
     * The key's record if {@code presented} is a well-formed, known, unrevoked key whose secret matches (or whose
     * previous secret does, in a rotation's grace period). Known keys are cached briefly so the hot path does not read
     * the database; the secret, the expiry and the disabled flag are checked on every call.
     *
     * @throws ApiException 401 {@code key_expired} or {@code key_disabled} for a matching key that may not be used, so
     *                      its holder learns why (only a holder of the secret learns it)
     */
    public Optional<ApiKeyRecord> verify(String presented) {
        Optional<ApiKeyRecord> key = match(presented);
        if (key.isPresent()) {
            Instant now = Instant.now();
            ApiKeyRecord k = key.get();
            if (k.expired(now)) {
                throw new ApiException(401, "key_expired", "This API key expired at " + k.settings().expiresAt().orElseThrow()
                        + "; ask the gateway's operator for a new key or a later expiry");
            }
            if (k.settings().disabled()) {
                throw new ApiException(401, "key_disabled", "This API key is disabled; ask the gateway's operator to enable it");
            }
        }
        return key;
    }

    private Optional<ApiKeyRecord> match(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) {
            return Optional.empty();
        }
        int dot = presented.indexOf('.', PREFIX.length());
        if (dot < 0) {
            return Optional.empty();
        }
        String id = presented.substring(PREFIX.length(), dot);
        byte[] hash = sha256(presented.substring(dot + 1));
        return lookup(id).filter(k -> !k.revoked()).filter(k -> MessageDigest.isEqual(k.secretHash(), hash) || previousMatches(k, hash));
    }

    /** The previous secret of a rotation, until its grace period ends. */
    private static boolean previousMatches(ApiKeyRecord k, byte[] hash) {
        return k.previousHash().isPresent() && k.previousUntil().filter(u -> u.isAfter(Instant.now())).isPresent()
                && MessageDigest.isEqual(k.previousHash().get(), hash);
    }

    private Optional<ApiKeyRecord> lookup(String id) {
        long now = System.nanoTime();
        Cached c = cache.get(id);
        if (c != null && now - c.loadedAt() < CACHE_NANOS) {
            return Optional.of(c.key());
        }
        Optional<ApiKeyRecord> loaded = store.key(id);
        loaded.ifPresentOrElse(k -> cache.put(id, new Cached(k, now)), () -> cache.remove(id));
        return loaded;
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
