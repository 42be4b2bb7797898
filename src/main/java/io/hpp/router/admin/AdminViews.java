package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.AuditEntry;
import io.hpp.router.store.BudgetPeriod;
import io.hpp.router.store.KeySettings;
import io.hpp.router.store.KeySpend;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import io.hpp.router.value.Price;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * JSON shapes of keys, audit entries and models, shared by the admin API, the consumer API and the command line; money
 * in dollars as exact decimal numbers. A key's view never holds its secret or the secret's hash.
 */
public final class AdminViews {
    private AdminViews() {
    }

    /** The key's settings, spend and totals, as the admin API lists them and the key itself reads them. */
    public static ObjectNode key(ApiKeyRecord k, Optional<KeySpend> spend, Instant now) {
        ObjectNode n = Json.object();
        n.put("key_id", k.id());
        n.put("consumer_id", k.consumerId());
        n.put("name", k.name().orElse(null));
        n.put("created_at", k.createdAt().toString());
        n.put("revoked_at", k.revokedAt().map(Instant::toString).orElse(null));
        n.put("last_used_at", spend.flatMap(KeySpend::lastUsedAt).map(Instant::toString).orElse(null));
        n.put("previous_valid_until", k.previousUntil().filter(u -> u.isAfter(now)).map(Instant::toString).orElse(null));
        n.setAll(settings(k.settings()));
        KeySettings s = k.settings();
        Money spent = spend.map(sp -> sp.spentIn(s.periodStart(now))).orElse(Money.ZERO);
        n.put("spent_this_period", spent.dollars());
        n.put("reserved", spend.map(KeySpend::reserved).orElse(Money.ZERO).dollars());
        n.put("remaining_budget", s.budget().map(b -> b.minus(spent).dollars()).orElse(null));
        n.put("period_resets_at", s.budget().isPresent() ? s.resetsAt(now).map(Instant::toString).orElse(null) : null);
        n.put("total_spend", spend.map(KeySpend::totalSpent).orElse(Money.ZERO).dollars());
        n.put("requests", spend.map(KeySpend::requests).orElse(0L));
        n.put("total_tokens", spend.map(KeySpend::totalTokens).orElse(0L));
        return n;
    }

    /** The settings an operator gives a key, under the names the admin API takes them by. */
    public static ObjectNode settings(KeySettings s) {
        ObjectNode n = Json.object();
        n.put("expires_at", s.expiresAt().map(Instant::toString).orElse(null));
        n.put("budget", s.budget().map(Money::dollars).orElse(null));
        n.put("budget_period", s.budgetPeriod().map(BudgetPeriod::wire).orElse(null));
        if (s.allowedModels().isEmpty()) {
            n.putNull("allowed_models");
        } else {
            ArrayNode models = n.putArray("allowed_models");
            s.allowedModels().forEach(models::add);
        }
        s.limits().requestsPerMinute().ifPresentOrElse(v -> n.put("requests_per_minute", v), () -> n.putNull("requests_per_minute"));
        s.limits().tokensPerMinute().ifPresentOrElse(v -> n.put("tokens_per_minute", v), () -> n.putNull("tokens_per_minute"));
        n.put("disabled", s.disabled());
        n.set("metadata", s.metadata().map(AdminViews::parsed).orElse(Json.MAPPER.nullNode()));
        return n;
    }

    /** One key's line in its consumer's usage. */
    public static ObjectNode keyUsage(ApiKeyRecord k, Optional<KeySpend> spend, Instant now) {
        ObjectNode n = Json.object();
        n.put("key_id", k.id());
        n.put("name", k.name().orElse(null));
        n.put("spend", spend.map(KeySpend::totalSpent).orElse(Money.ZERO).dollars());
        n.put("requests", spend.map(KeySpend::requests).orElse(0L));
        n.put("total_tokens", spend.map(KeySpend::totalTokens).orElse(0L));
        n.put("spent_this_period", spend.map(sp -> sp.spentIn(k.settings().periodStart(now))).orElse(Money.ZERO).dollars());
        return n;
    }

    public static ObjectNode audit(AuditEntry e) {
        ObjectNode n = Json.object();
        n.put("id", e.id());
        n.put("at", e.at().toString());
        n.put("actor", e.actor());
        n.put("action", e.action());
        n.put("target", e.target());
        n.set("detail", parsed(e.detail()));
        return n;
    }

    public static ObjectNode pricing(Price p) {
        ObjectNode n = Json.object();
        n.put("input", p.input());
        n.put("output", p.output());
        n.put("cache_write", p.cacheWrite().orElse(null));
        n.put("cache_read", p.cacheRead().orElse(null));
        return n;
    }

    /**
     * A catalog entry as the admin API shows and takes it: {@code provider} and {@code upstream_model} are those of its
     * first deployment; a model served by one provider has that one deployment, of weight 1.
     */
    public static ObjectNode model(Model m) {
        ObjectNode n = Json.object();
        n.put("id", m.id());
        n.put("provider", m.provider());
        n.put("upstream_model", m.upstreamModel());
        n.put("owned_by", m.ownedBy());
        n.set("pricing", pricing(m.price()));
        if (m.maxOutputTokens().isPresent()) {
            n.put("max_output_tokens", m.maxOutputTokens().get());
        } else {
            n.putNull("max_output_tokens");
        }
        n.put("enabled", m.enabled());
        n.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
        n.set("fallbacks", Json.MAPPER.valueToTree(m.fallbacks()));
        ArrayNode deployments = n.putArray("deployments");
        m.deployments().forEach(d -> deployments.addObject().put("provider", d.provider()).put("upstream_model", d.upstreamModel())
                .put("weight", d.weight()));
        return n;
    }

    private static JsonNode parsed(String json) {
        try {
            return Json.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is not JSON: " + e.getMessage(), e);
        }
    }
}
