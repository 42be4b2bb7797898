package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.value.Model;
import io.hpp.router.value.Price;

/** JSON shapes of our records; money in dollars as exact decimal numbers. */
final class Views {
    private Views() {
    }

    static ObjectNode usage(ConsumerRecord c) {
        ObjectNode n = Json.object();
        n.put("consumer_id", c.id());
        n.put("username", c.username().orElse(null));
        n.put("custom_id", c.customId().orElse(null));
        n.put("quota", c.quota().dollars());
        n.put("used", c.used().dollars());
        n.put("remaining", c.remaining().dollars());
        n.put("requests", c.requests());
        n.put("total_tokens", c.totalTokens());
        n.put("total_cost", c.used().dollars());
        ObjectNode savings = n.putObject("routing_savings");
        savings.put("auto_requests", c.auto().requests());
        savings.put("cost", c.auto().cost().dollars());
        savings.put("cost_at_top_tier", c.auto().baseline().dollars());
        savings.put("saved", c.auto().saved().dollars());
        return n;
    }

    static ObjectNode quotaCheck(ConsumerRecord c) {
        ObjectNode n = Json.object();
        n.put("has_quota", c.remaining().isPositive());
        n.put("quota", c.quota().dollars());
        n.put("used", c.used().dollars());
        n.put("remaining", c.remaining().dollars());
        return n;
    }

    static ObjectNode adminConsumer(ConsumerRecord c) {
        ObjectNode n = usage(c);
        n.put("reserved", c.reserved().dollars());
        ObjectNode limits = n.putObject("rate_limits");
        c.limits().requestsPerMinute().ifPresentOrElse(v -> limits.put("requests_per_minute", v), () -> limits.putNull("requests_per_minute"));
        c.limits().tokensPerMinute().ifPresentOrElse(v -> limits.put("tokens_per_minute", v), () -> limits.putNull("tokens_per_minute"));
        n.put("created_at", c.createdAt().toString());
        return n;
    }

    static ObjectNode pricing(Price p) {
        return io.hpp.router.admin.AdminViews.pricing(p);
    }

    static ObjectNode publicModel(Model m) {
        ObjectNode n = Json.object();
        n.put("id", m.id());
        n.put("object", "model");
        n.put("created", 0);
        n.put("owned_by", m.ownedBy());
        n.set("pricing", pricing(m.price()));
        return n;
    }

    static ObjectNode autoModel() {
        ObjectNode n = Json.object();
        n.put("id", "hpprouter/auto");
        n.put("object", "model");
        n.put("created", 0);
        n.put("owned_by", "hpprouter");
        n.putNull("pricing");
        return n;
    }

    static ObjectNode adminModel(Model m) {
        return io.hpp.router.admin.AdminViews.model(m);
    }
}
