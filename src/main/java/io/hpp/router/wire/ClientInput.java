package io.hpp.router.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds on what a client sends that the gateway stores, logs or writes again: strings that reach the request log
 * (a model id: PostgreSQL refuses a NUL in text, and a control character forges log lines), and numbers that a JSON
 * writer cannot write back (an exponent beyond a double's, such as {@code 1e999999999}). Shared by chat and images.
 */
public final class ClientInput {
    /** The longest model id accepted; catalog ids are far shorter. */
    public static final int MAX_MODEL_CHARS = 256;
    /** A double's decimal exponents, about 1e-324 to 1e308: a number outside them is no number a client means. */
    private static final int MAX_EXPONENT = 308;
    private static final int MIN_EXPONENT = -324;

    private ClientInput() {
    }

    /** The problem with a model id, as the end of "Field 'model' …", or empty when it is fine. */
    public static Optional<String> modelProblem(String id) {
        if (id.length() > MAX_MODEL_CHARS) {
            return Optional.of("must be at most " + MAX_MODEL_CHARS + " characters, got " + id.length());
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of("must not contain control characters (U+" + String.format("%04X", (int) c) + " at " + i + ")");
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++; // a pair: one character outside the BMP
            } else if (Character.isSurrogate(c)) {
                return Optional.of("must be valid Unicode (a lone surrogate at " + i + ")");
            }
        }
        return Optional.empty();
    }

    /** Whether a number is within a double's exponents (its decimal digits may be as many as the parser allows). */
    public static boolean inRange(BigDecimal d) {
        long exponent = (long) d.precision() - d.scale() - 1;
        return exponent <= MAX_EXPONENT && exponent >= MIN_EXPONENT;
    }

    /** The first top-level member of {@code tree} that holds a number out of range, at any depth. */
    public static Optional<String> memberWithNumberOutOfRange(JsonNode tree) {
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            if (holdsNumberOutOfRange(member.getValue())) {
                return Optional.of(member.getKey());
            }
        }
        return Optional.empty();
    }

    private static boolean holdsNumberOutOfRange(JsonNode n) {
        if (n.isBigDecimal()) { // the shared mapper reads every non-integer as one
            return !inRange(n.decimalValue());
        }
        for (JsonNode child : n) {
            if (holdsNumberOutOfRange(child)) {
                return true;
            }
        }
        return false;
    }
}
