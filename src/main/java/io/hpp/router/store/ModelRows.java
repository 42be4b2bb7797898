package io.hpp.router.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hpp.router.common.Json;
import io.hpp.router.value.Model;
import io.hpp.router.value.Price;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Maps {@link Model} to and from the {@code models} table; prices are stored as nano-dollars per 1M tokens. */
final class ModelRows {
    private ModelRows() {
    }

    static Model read(ResultSet rs) throws SQLException {
        Price price = new Price(dollars(rs.getLong("input_price")), dollars(rs.getLong("output_price")),
                Jdbc.optLong(rs, "cache_write_price").map(ModelRows::dollars),
                Jdbc.optLong(rs, "cache_read_price").map(ModelRows::dollars));
        return new Model(rs.getString("id"), rs.getString("provider"), rs.getString("upstream_model"),
                rs.getString("owned_by"), price, Jdbc.optLong(rs, "max_output_tokens"), rs.getInt("enabled") == 1,
                Model.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), fallbacks(rs.getString("fallbacks")),
                deployments(rs.getString("deployments")));
    }

    static int upsert(Jdbc.Tx tx, Model m) throws SQLException {
        Price p = m.price();
        return tx.update("INSERT INTO models (id, provider, upstream_model, owned_by, input_price, output_price, "
                        + "cache_write_price, cache_read_price, max_output_tokens, enabled, kind, updated_at, fallbacks, deployments) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                        + "provider = excluded.provider, upstream_model = excluded.upstream_model, owned_by = excluded.owned_by, "
                        + "input_price = excluded.input_price, output_price = excluded.output_price, "
                        + "cache_write_price = excluded.cache_write_price, cache_read_price = excluded.cache_read_price, "
                        + "max_output_tokens = excluded.max_output_tokens, enabled = excluded.enabled, kind = excluded.kind, "
                        + "updated_at = excluded.updated_at, fallbacks = excluded.fallbacks, deployments = excluded.deployments",
                m.id(), m.provider(), m.upstreamModel(), m.ownedBy(), nanos(p.input()), nanos(p.output()),
                p.cacheWrite().map(ModelRows::nanos), p.cacheRead().map(ModelRows::nanos), m.maxOutputTokens(),
                m.enabled(), m.kind().name().toLowerCase(Locale.ROOT), System.currentTimeMillis(),
                m.fallbacks().isEmpty() ? null : io.hpp.router.common.Json.MAPPER.valueToTree(m.fallbacks()).toString(),
                m.balanced() ? deploymentsJson(m.deployments()) : null);
    }

    /** A model of one deployment stores none: its provider and upstream_model columns are that deployment. */
    private static String deploymentsJson(List<Model.Deployment> deployments) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        deployments.forEach(d -> a.addObject().put("provider", d.provider()).put("upstream_model", d.upstreamModel()).put("weight", d.weight()));
        return a.toString();
    }

    private static List<Model.Deployment> deployments(String json) throws SQLException {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        List<Model.Deployment> ds = new ArrayList<>();
        try {
            for (JsonNode d : Json.readTree(json)) {
                ds.add(new Model.Deployment(d.path("provider").asText(), d.path("upstream_model").asText(), d.path("weight").asInt(1)));
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new SQLException("models.deployments is not a JSON array of deployments: " + json, e);
        }
        return ds;
    }

    private static java.util.List<String> fallbacks(String json) throws SQLException {
        if (json == null || json.isBlank()) {
            return java.util.List.of();
        }
        java.util.List<String> ids = new java.util.ArrayList<>();
        try {
            io.hpp.router.common.Json.readTree(json).forEach(n -> ids.add(n.asText()));
        } catch (java.io.IOException e) {
            throw new SQLException("models.fallbacks is not a JSON array: " + json, e);
        }
        return ids;
    }

    private static long nanos(BigDecimal dollarsPerMillion) {
        return dollarsPerMillion.movePointRight(9).longValueExact();
    }

    private static BigDecimal dollars(long nanosPerMillion) {
        BigDecimal d = BigDecimal.valueOf(nanosPerMillion).movePointLeft(9);
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

}
