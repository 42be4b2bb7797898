package io.hpp.router.auth;

import io.hpp.router.store.ApiKeyRecord;
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
        StringBuilder id = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)]);
        }
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        store.createKey(new ApiKeyRecord(id.toString(), consumerId, sha256(secret), name, Instant.now(), Optional.empty()));
        return new Issued(id.toString(), PREFIX + id + "." + secret);
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
     * The key's record if {@code presented} is a well-formed, known, unrevoked key whose secret matches. Known keys
     * are cached briefly so the hot path does not read the database; the secret is checked on every call.
     */
    public Optional<ApiKeyRecord> verify(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) {
            return Optional.empty();
        }
        int dot = presented.indexOf('.', PREFIX.length());
        if (dot < 0) {
            return Optional.empty();
        }
        String id = presented.substring(PREFIX.length(), dot);
        byte[] hash = sha256(presented.substring(dot + 1));
        return lookup(id).filter(k -> !k.revoked()).filter(k -> MessageDigest.isEqual(k.secretHash(), hash));
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
