package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.admin.RoutingAdmin;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.routing.RouteDecision;
import io.hpp.router.routing.SmartRouter;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.RulesetRecord;
import io.hpp.router.wire.ChatRequest;
import java.io.IOException;

/** Smart-routing endpoints: the consumer's route preview and the admin ruleset versions. */
final class RoutingRoutes {
    private final Authenticator auth;
    private final AdminGuard admin;
    private final SmartRouter router;
    private final RoutingAdmin rulesets;

    RoutingRoutes(Authenticator auth, AdminGuard admin, SmartRouter router, RoutingAdmin rulesets) {
        this.auth = auth;
        this.admin = admin;
        this.router = router;
        this.rulesets = rulesets;
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, "/api/route-preview", this::preview)
                .add(Method.GET, "/admin/v1/routing/rulesets", this::list)
                .add(Method.POST, "/admin/v1/routing/rulesets", this::publish)
                .add(Method.POST, "/admin/v1/routing/rulesets/{version}/activate", this::activate);
    }

    private void preview(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        ChatRequest chat = ChatRequest.parse(Requests.body(req));
        if (!chat.model().equals("hpprouter/auto")) {
            throw ApiException.invalidRequest("Route preview is for model hpprouter/auto, got '" + chat.model() + "'");
        }
        if (!key.settings().allows("hpprouter/auto")) {
            throw new ApiException(403, "model_not_allowed", "This API key may not use model 'hpprouter/auto'");
        }
        Responses.json(res, decisionJson(router.decide(chat, key.settings()::autoMayUse)));
    }

    static ObjectNode decisionJson(RouteDecision d) {
        ObjectNode n = Json.object();
        n.put("resolved_model", d.model().id());
        n.put("basket", d.basket().wire());
        n.put("rule_id", d.ruleId());
        n.put("rules_version", d.rulesVersion());
        n.put("tier", d.tier().orElse(null));
        n.put("estimated_input_tokens", d.estimate());
        n.put("estimate_is_lower_bound", d.estimateCapped());
        n.put("reason", d.reason());
        n.set("pricing", Views.pricing(d.model().price()));
        d.reroutedFrom().ifPresent(from -> n.put("rerouted_from", from));
        return n;
    }

    private void list(ServerRequest req, ServerResponse res) {
        admin.require(req);
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        for (RulesetRecord r : rulesets.rulesets()) {
            data.add(rulesetJson(r));
        }
        Responses.json(res, body);
    }

    private void publish(ServerRequest req, ServerResponse res) {
        admin.require(req);
        JsonNode body = AdminRequest.parse(req).node();
        Responses.json(res, 201, rulesetJson(rulesets.publish(body, "admin-api")));
    }

    private void activate(ServerRequest req, ServerResponse res) {
        admin.require(req);
        long version;
        try {
            version = Long.parseLong(req.path().pathParameters().get("version"));
        } catch (NumberFormatException e) {
            throw ApiException.invalidRequest("The version must be a whole number");
        }
        Responses.json(res, rulesetJson(rulesets.activate(version)));
    }

    static ObjectNode rulesetJson(RulesetRecord r) {
        ObjectNode n = Json.object();
        n.put("version", r.version());
        n.put("active", r.active());
        n.put("created_at", r.createdAt().toString());
        n.put("created_by", r.createdBy());
        try {
            n.set("ruleset", Json.readTree(r.body()));
        } catch (IOException e) {
            throw new IllegalStateException("stored ruleset " + r.version() + " is not JSON", e);
        }
        return n;
    }
}
