package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.ServerRequest;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.value.Money;
import java.util.Optional;

/** A parsed admin JSON body with typed, validated field access; every violation is a 400 naming the field. */
record AdminRequest(JsonNode node) {

    static AdminRequest parse(ServerRequest req) {
        byte[] bytes = Requests.body(req);
        if (bytes.length == 0) {
            throw ApiException.invalidRequest("Request body must be a JSON object");
        }
        return of(bytes);
    }

    static AdminRequest parseOrEmpty(ServerRequest req) {
        byte[] bytes = Requests.body(req);
        return bytes.length == 0 ? new AdminRequest(Json.object()) : of(bytes);
    }

    private static AdminRequest of(byte[] bytes) {
        return new AdminRequest(Json.requestObject(bytes));
    }

    Optional<String> optionalText(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }

    Optional<Long> optionalCount(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.canConvertToExactIntegral() || v.asLong() < 1) {
            throw ApiException.invalidRequest("Field '" + field + "' must be a whole number >= 1, or null for no limit");
        }
        return Optional.of(v.asLong());
    }

    Optional<Money> optionalMoney(String field) {
        return moneyField(node, field);
    }

    static Optional<Money> moneyField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isNumber()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be a number of dollars");
        }
        try {
            return Optional.of(Money.ofDollars(v.decimalValue()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest("Field '" + field + "': " + e.getMessage());
        }
    }
}
