package io.hpp.router.admin.eval;

import java.util.Locale;

/** Which of the dataset's two scored answers a routing decision stands for. */
public enum Label {
    WEAK, STRONG;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
