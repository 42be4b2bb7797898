package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.value.Model;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a model's {@code deployments} from its admin JSON form: each a provider, its model name and a weight. */
final class Deployments {
    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9-]{1,64}");
    private static final String SHAPE = "Field 'deployments' must be an array of 1.." + Model.MAX_DEPLOYMENTS
            + " objects {provider, upstream_model, weight?}";

    private Deployments() {
    }

    static List<Model.Deployment> parse(JsonNode v) {
        if (!v.isArray() || v.isEmpty() || v.size() > Model.MAX_DEPLOYMENTS) {
            throw ApiException.invalidRequest(SHAPE);
        }
        List<Model.Deployment> ds = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            Model.Deployment d = one(v.get(i), "deployments[" + i + "]");
            if (!names.add(d.name())) {
                throw ApiException.invalidRequest("Field 'deployments[" + i + "]': " + d.name() + " is listed twice");
            }
            ds.add(d);
        }
        return ds;
    }

    private static Model.Deployment one(JsonNode d, String field) {
        if (!d.isObject()) {
            throw ApiException.invalidRequest(SHAPE);
        }
        JsonNode provider = d.get("provider");
        if (provider == null || !provider.isTextual() || !PROVIDER.matcher(provider.asText()).matches()) {
            throw ApiException.invalidRequest("Field '" + field + ".provider' must be a provider name of a-z, 0-9 and '-'");
        }
        JsonNode upstream = d.get("upstream_model");
        if (upstream == null || !upstream.isTextual() || upstream.asText().isBlank() || upstream.asText().length() > 256) {
            throw ApiException.invalidRequest("Field '" + field + ".upstream_model' must be a non-empty string: the model's name at the provider");
        }
        JsonNode weight = d.get("weight");
        if (weight != null && !weight.isNull()
                && (!weight.canConvertToExactIntegral() || !weight.canConvertToLong() || weight.asLong() < 1 || weight.asLong() > Model.Deployment.MAX_WEIGHT)) {
            throw ApiException.invalidRequest("Field '" + field + ".weight' must be an integer 1.." + Model.Deployment.MAX_WEIGHT);
        }
        int w = weight == null || weight.isNull() ? 1 : weight.asInt();
        return new Model.Deployment(provider.asText(), upstream.asText(), w);
    }
}
