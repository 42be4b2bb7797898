package io.hpp.router.routing;

import java.util.Locale;

/** What kind of request smart routing decided this is. */
public enum Basket {
    TOOL, SIMPLE, COMPLEX, STREAMING;

    /** The header and log spelling: {@code tool}, {@code simple}, {@code complex}, {@code streaming}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
