package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.store.BudgetPeriod;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.KeySettings;
import io.hpp.router.value.Money;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a key's name and settings from their admin JSON form: a new key's, or a change merged over the current ones
 * (a field left out keeps its value, {@code null} clears it). Every violation is a 400 naming the field.
 */
final class KeySpec {
    static final Set<String> FIELDS = Set.of("name", "expires_at", "budget", "budget_period", "allowed_models", "requests_per_minute",
            "tokens_per_minute", "disabled", "metadata");
    static final int MAX_MODELS = 100;
    static final int MAX_PATTERN = 200;
    static final int MAX_NAME = 200;
    static final int MAX_METADATA_BYTES = 16 * 1024;

    /** A key's name and settings. */
    record Named(Optional<String> name, KeySettings settings) {
    }

    private KeySpec() {
    }

    static Named create(JsonNode body) {
        return merge(new Named(Optional.empty(), KeySettings.NONE), body);
    }

    static Named merge(Named current, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalidRequest("The key's settings must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String f = names.next();
            if (!FIELDS.contains(f)) {
                throw ApiException.invalidRequest("Unknown field '" + f + "'; a key's fields are " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        KeySettings was = current.settings();
        Optional<String> name = body.has("name") ? name(body.get("name")) : current.name();
        Optional<Instant> expiresAt = body.has("expires_at") ? instant(body.get("expires_at")) : was.expiresAt();
        Optional<Money> budget = body.has("budget") ? budget(body.get("budget")) : was.budget();
        // clearing the budget clears its period too, unless the change names a period of its own
        Optional<BudgetPeriod> period = body.has("budget_period") ? period(body.get("budget_period"))
                : budget.isEmpty() ? Optional.empty() : was.budgetPeriod();
        if (period.isPresent() && budget.isEmpty()) {
            throw ApiException.invalidRequest("Field 'budget_period' needs a 'budget': the period is how often the budget renews");
        }
        List<String> models = body.has("allowed_models") ? models(body.get("allowed_models")) : was.allowedModels();
        ConsumerRecord.RateLimits limits = new ConsumerRecord.RateLimits(
                body.has("requests_per_minute") ? count(body.get("requests_per_minute"), "requests_per_minute") : was.limits().requestsPerMinute(),
                body.has("tokens_per_minute") ? count(body.get("tokens_per_minute"), "tokens_per_minute") : was.limits().tokensPerMinute());
        boolean disabled = body.has("disabled") ? disabled(body.get("disabled")) : was.disabled();
        Optional<String> metadata = body.has("metadata") ? metadata(body.get("metadata")) : was.metadata();
        return new Named(name, new KeySettings(expiresAt, budget, period, models, limits, disabled, metadata));
    }

    private static Optional<String> name(JsonNode v) {
        if (v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().length() > MAX_NAME) {
            throw ApiException.invalidRequest("Field 'name' must be a string of at most " + MAX_NAME + " characters, or null");
        }
        return Optional.of(v.asText());
    }

    private static Optional<Instant> instant(JsonNode v) {
        if (v.isNull()) {
            return Optional.empty();
        }
        try {
            if (v.isTextual()) {
                return Optional.of(OffsetDateTime.parse(v.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
            }
        } catch (DateTimeParseException e) {
            // the message below says what is expected
        }
        throw ApiException.invalidRequest("Field 'expires_at' must be an RFC 3339 time such as 2027-01-31T23:59:59Z, or null for no expiry; got "
                + abbreviated(v));
    }

    private static Optional<Money> budget(JsonNode v) {
        if (v.isNull()) {
            return Optional.empty();
        }
        BigDecimal dollars;
        try {
            dollars = v.isNumber() ? v.decimalValue() : v.isTextual() ? new BigDecimal(v.asText().trim()) : null;
        } catch (NumberFormatException e) {
            dollars = null;
        }
        if (dollars == null) {
            throw ApiException.invalidRequest("Field 'budget' must be a number of dollars (a JSON number or a decimal string), or null; got "
                    + abbreviated(v));
        }
        if (dollars.signum() < 0) {
            throw ApiException.invalidRequest("Field 'budget' must be >= 0, got " + dollars.toPlainString());
        }
        try {
            return Optional.of(Money.ofDollars(dollars));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest("Field 'budget': " + e.getMessage());
        }
    }

    private static Optional<BudgetPeriod> period(JsonNode v) {
        if (v.isNull()) {
            return Optional.empty();
        }
        Optional<BudgetPeriod> p = v.isTextual() ? BudgetPeriod.of(v.asText()) : Optional.empty();
        if (p.isEmpty()) {
            throw ApiException.invalidRequest("Field 'budget_period' must be daily, weekly or monthly (UTC), or null; got " + abbreviated(v));
        }
        return p;
    }

    private static List<String> models(JsonNode v) {
        if (v.isNull()) {
            return List.of();
        }
        String expected = "Field 'allowed_models' must be an array of at most " + MAX_MODELS + " model ids or patterns with * "
                + "(non-empty strings of at most " + MAX_PATTERN + " characters), or null to allow every model";
        if (!v.isArray() || v.size() > MAX_MODELS) {
            throw ApiException.invalidRequest(expected);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode m : v) {
            if (!m.isTextual() || m.asText().isBlank() || m.asText().length() > MAX_PATTERN) {
                throw ApiException.invalidRequest(expected + "; got " + abbreviated(m));
            }
            out.add(m.asText());
        }
        return out;
    }

    private static Optional<Long> count(JsonNode v, String field) {
        if (v.isNull()) {
            return Optional.empty();
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 1) {
            throw ApiException.invalidRequest("Field '" + field + "' must be a whole number >= 1, or null for no limit; got " + abbreviated(v));
        }
        return Optional.of(v.asLong());
    }

    private static boolean disabled(JsonNode v) {
        if (v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalidRequest("Field 'disabled' must be true or false");
        }
        return v.asBoolean();
    }

    private static Optional<String> metadata(JsonNode v) {
        if (v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw ApiException.invalidRequest("Field 'metadata' must be a JSON object, or null");
        }
        String text = v.toString();
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw ApiException.invalidRequest("Field 'metadata' must be at most " + MAX_METADATA_BYTES + " bytes as JSON");
        }
        return Optional.of(text);
    }

    private static String abbreviated(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
