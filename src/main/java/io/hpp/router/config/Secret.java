package io.hpp.router.config;

import java.util.Objects;

/** A secret value (API key, admin token) that never prints itself. */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself, for the one place that must send it. */
    public String reveal() {
        return value;
    }


    @Override
    public String toString() {
        return "*****";
    }
}
