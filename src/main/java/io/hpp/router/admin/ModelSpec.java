package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.value.Model;
import io.hpp.router.value.Price;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads a model from its admin JSON form, merged over the current entry if there is one. */
final class ModelSpec {
    private ModelSpec() {
    }

    static String id(JsonNode body) {
        JsonNode id = body.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw ApiException.invalidRequest("Field 'id' is required: the public model id, such as openai/gpt-5");
        }
        if (id.asText().equals("hpprouter/auto")) {
            throw ApiException.invalidRequest("Field 'id': hpprouter/auto is the virtual routing model and cannot be edited here");
        }
        return id.asText();
    }

    static Model merge(Optional<Model> current, JsonNode body) {
        String id = id(body);
        List<Model.Deployment> deployments = deployments(current, body, id);
        String ownedBy = text(body, "owned_by").or(() -> current.map(Model::ownedBy)).orElse(deployments.getFirst().provider());
        Price price = price(body.get("pricing"), current.map(Model::price));
        Optional<Long> maxOut = body.has("max_output_tokens")
                ? positiveLong(body.get("max_output_tokens"), "max_output_tokens") : current.flatMap(Model::maxOutputTokens);
        boolean enabled = body.has("enabled") ? bool(body.get("enabled"), "enabled") : current.map(Model::enabled).orElse(true);
        List<String> fallbacks = body.has("fallbacks") ? fallbacks(body.get("fallbacks"), id) : current.map(Model::fallbacks).orElse(List.of());
        Model.Kind kind = text(body, "kind").map(ModelSpec::kind).or(() -> current.map(Model::kind)).orElse(Model.Kind.CHAT);
        try {
            return Model.deployed(id, deployments, ownedBy, price, maxOut, enabled, kind, fallbacks);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }

    /**
     * The model's deployments: those of {@code deployments} when given (a {@code provider} and {@code upstream_model}
     * given beside them must be the first's, as the admin API shows them); else the one of {@code provider} and
     * {@code upstream_model} when either is given (the form of a model served by one provider); else the current ones.
     */
    private static List<Model.Deployment> deployments(Optional<Model> current, JsonNode body, String id) {
        Optional<String> provider = text(body, "provider");
        Optional<String> upstream = text(body, "upstream_model");
        if (body.hasNonNull("deployments")) {
            List<Model.Deployment> ds = Deployments.parse(body.get("deployments"));
            Model.Deployment first = ds.getFirst();
            if (!provider.orElse(first.provider()).equals(first.provider()) || !upstream.orElse(first.upstreamModel()).equals(first.upstreamModel())) {
                throw ApiException.invalidRequest("Fields 'provider' and 'upstream_model', when given with 'deployments', must be those of"
                        + " the first deployment (" + first.name() + ")");
            }
            return ds;
        }
        if (provider.isEmpty() && upstream.isEmpty() && current.isPresent()) {
            return current.get().deployments();
        }
        String p = provider.or(() -> current.map(Model::provider)).orElseGet(() -> providerOf(id));
        String u = upstream.or(() -> current.map(Model::upstreamModel))
                .orElseThrow(() -> ApiException.invalidRequest("Field 'upstream_model' (or 'deployments') is required for a new model"));
        try {
            return List.of(new Model.Deployment(p, u, 1));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }

    private static List<String> fallbacks(JsonNode v, String id) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw ApiException.invalidRequest("Field 'fallbacks' must be an array of model ids, in the order to try them");
        }
        java.util.ArrayList<String> ids = new java.util.ArrayList<>();
        for (JsonNode f : v) {
            if (!f.isTextual() || f.asText().isBlank() || f.asText().equals(id)) {
                throw ApiException.invalidRequest("Field 'fallbacks' must hold model ids other than the model itself");
            }
            ids.add(f.asText());
        }
        return ids;
    }

    private static String providerOf(String id) {
        int slash = id.indexOf('/');
        if (slash <= 0) {
            throw ApiException.invalidRequest("Field 'provider' is required when the id has no provider/ prefix");
        }
        return id.substring(0, slash);
    }

    private static Price price(JsonNode pricing, Optional<Price> current) {
        if (pricing == null || pricing.isNull()) {
            return current.orElseThrow(() -> ApiException.invalidRequest(
                    "Field 'pricing' is required for a new model: {input, output, cache_write?, cache_read?} in USD per 1M tokens"));
        }
        if (!pricing.isObject()) {
            throw ApiException.invalidRequest("Field 'pricing' must be an object");
        }
        Optional<BigDecimal> input = rate(pricing, "input").or(() -> current.map(Price::input));
        Optional<BigDecimal> output = rate(pricing, "output").or(() -> current.map(Price::output));
        Optional<BigDecimal> cacheWrite = pricing.has("cache_write") ? rate(pricing, "cache_write") : current.flatMap(Price::cacheWrite);
        Optional<BigDecimal> cacheRead = pricing.has("cache_read") ? rate(pricing, "cache_read") : current.flatMap(Price::cacheRead);
        try {
            return new Price(input.orElseThrow(() -> ApiException.invalidRequest("Field 'pricing.input' is required")),
                    output.orElseThrow(() -> ApiException.invalidRequest("Field 'pricing.output' is required")), cacheWrite, cacheRead);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }

    private static Optional<BigDecimal> rate(JsonNode pricing, String field) {
        JsonNode v = pricing.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isNumber() || v.decimalValue().signum() < 0) {
            throw ApiException.invalidRequest("Field 'pricing." + field + "' must be a non-negative number (USD per 1M tokens)");
        }
        return Optional.of(v.decimalValue());
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be a non-empty string");
        }
        return Optional.of(v.asText());
    }

    private static Optional<Long> positiveLong(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.canConvertToExactIntegral() || v.asLong() < 1) {
            throw ApiException.invalidRequest("Field '" + field + "' must be an integer >= 1");
        }
        return Optional.of(v.asLong());
    }

    private static boolean bool(JsonNode v, String field) {
        if (!v.isBoolean()) {
            throw ApiException.invalidRequest("Field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static Model.Kind kind(String k) {
        return switch (k.toLowerCase(Locale.ROOT)) {
            case "chat" -> Model.Kind.CHAT;
            case "image" -> Model.Kind.IMAGE;
            default -> throw ApiException.invalidRequest("Field 'kind' must be chat or image, got '" + k + "'");
        };
    }
}
