package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.admin.Admin;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.common.Json;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.value.Model;

/** The admin API under {@code /admin/v1}, guarded by the admin bearer token; disabled when none is configured. */
final class AdminRoutes {
    private final AdminGuard guard;
    private final Admin admin;

    AdminRoutes(AdminGuard guard, Admin admin) {
        this.guard = guard;
        this.admin = admin;
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, "/admin/v1/consumers", this::createConsumer)
                .add(Method.GET, "/admin/v1/consumers/{id}", this::consumer)
                .add(Method.POST, "/admin/v1/consumers/{id}/quota", this::quota)
                .add(Method.POST, "/admin/v1/consumers/{id}/keys", this::createKey)
                .add(Method.POST, "/admin/v1/consumers/{id}/limits", this::limits)
                .add(Method.DELETE, "/admin/v1/keys/{id}", this::revokeKey)
                .add(Method.GET, "/admin/v1/models", this::models)
                .add(Method.POST, "/admin/v1/models", this::upsertModel);
    }

    private void requireAdmin(ServerRequest req) {
        guard.require(req);
    }

    private void createConsumer(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        AdminRequest body = AdminRequest.parse(req);
        ConsumerRecord c = admin.createConsumer(body.optionalText("username"), body.optionalText("custom_id"),
                body.optionalMoney("quota"));
        Responses.json(res, 201, Views.adminConsumer(c));
    }

    private void consumer(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        Responses.json(res, Views.adminConsumer(admin.consumer(req.path().pathParameters().get("id"))));
    }

    private void quota(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        AdminRequest body = AdminRequest.parse(req);
        String id = req.path().pathParameters().get("id");
        ConsumerRecord c = admin.changeQuota(id, body.optionalMoney("set"), body.optionalMoney("add"));
        Responses.json(res, Views.adminConsumer(c));
    }

    private void limits(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        AdminRequest body = AdminRequest.parse(req);
        ConsumerRecord c = admin.setLimits(req.path().pathParameters().get("id"), body.optionalCount("requests_per_minute"),
                body.optionalCount("tokens_per_minute"));
        Responses.json(res, Views.adminConsumer(c));
    }

    private void createKey(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        AdminRequest body = AdminRequest.parseOrEmpty(req);
        ApiKeys.Issued issued = admin.createKey(req.path().pathParameters().get("id"), body.optionalText("name"));
        ObjectNode n = Json.object();
        n.put("key_id", issued.keyId());
        n.put("key", issued.key());
        Responses.json(res, 201, n);
    }

    private void revokeKey(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        String id = req.path().pathParameters().get("id");
        admin.revokeKey(id);
        ObjectNode n = Json.object();
        n.put("key_id", id);
        n.put("revoked", true);
        Responses.json(res, n);
    }

    private void models(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        admin.models().forEach(m -> data.add(Views.adminModel(m)));
        Responses.json(res, body);
    }

    private void upsertModel(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        JsonNode body = AdminRequest.parse(req).node();
        Model saved = admin.upsertModel(body);
        Responses.json(res, Views.adminModel(saved));
    }
}
