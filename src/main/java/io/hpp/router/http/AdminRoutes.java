package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.admin.Admin;
import io.hpp.router.admin.AdminViews;
import io.hpp.router.chat.DeploymentHealth;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.AuditEntry;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.value.Model;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** The admin API under {@code /admin/v1}, guarded by the admin bearer token; disabled when none is configured. */
final class AdminRoutes {
    private static final int DEFAULT_PAGE = 100;
    private final AdminGuard guard;
    private final Admin admin;

    private final Function<Model, List<DeploymentHealth>> health;

    /** {@code health}: the state of a model's deployments on this node, shown with the models. */
    AdminRoutes(AdminGuard guard, Admin admin, Function<Model, List<DeploymentHealth>> health) {
        this.guard = guard;
        this.admin = admin;
        this.health = health;
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, "/admin/v1/consumers", this::createConsumer)
                .add(Method.GET, "/admin/v1/consumers", this::consumers)
                .add(Method.GET, "/admin/v1/consumers/{id}", this::consumer)
                .add(Method.POST, "/admin/v1/consumers/{id}/quota", this::quota)
                .add(Method.POST, "/admin/v1/consumers/{id}/keys", this::createKey)
                .add(Method.GET, "/admin/v1/consumers/{id}/keys", this::keys)
                .add(Method.POST, "/admin/v1/consumers/{id}/limits", this::limits)
                .add(Method.DELETE, "/admin/v1/keys/{id}", this::revokeKey)
                .add(Method.PATCH, "/admin/v1/keys/{id}", this::updateKey)
                .add(Method.POST, "/admin/v1/keys/{id}/rotate", this::rotateKey)
                .add(Method.GET, "/admin/v1/audit", this::audit)
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

    private void consumers(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        var q = req.query();
        Admin.Page<ConsumerRecord> page = admin.consumers(q.first("query").asOptional(), q.first("cursor").asOptional(), limit(req));
        Responses.json(res, pageJson(page, Views::adminConsumer));
    }

    private static int limit(ServerRequest req) {
        Optional<String> raw = req.query().first("limit").asOptional();
        try {
            return raw.map(Integer::parseInt).orElse(DEFAULT_PAGE);
        } catch (NumberFormatException e) {
            throw ApiException.invalidRequest("Query 'limit' must be an integer from 1 to 500, got '" + raw.orElseThrow() + "'");
        }
    }

    private void createKey(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        AdminRequest body = AdminRequest.parseOrEmpty(req);
        Admin.NewKey created = admin.createKey(req.path().pathParameters().get("id"), body.node());
        ObjectNode n = Json.object();
        n.put("key_id", created.issued().keyId());
        n.put("key", created.issued().key());
        n.setAll(AdminViews.key(created.key(), Optional.empty(), Instant.now()));
        Responses.json(res, 201, n);
    }

    private void keys(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        Instant now = Instant.now();
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        admin.keys(req.path().pathParameters().get("id")).forEach(k -> data.add(AdminViews.key(k.key(), k.spend(), now)));
        Responses.json(res, body);
    }

    private void updateKey(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        AdminRequest body = AdminRequest.parse(req);
        String id = req.path().pathParameters().get("id");
        admin.updateKey(id, body.node());
        Admin.KeyState k = admin.keyState(id);
        Responses.json(res, AdminViews.key(k.key(), k.spend(), Instant.now()));
    }

    private void rotateKey(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        JsonNode body = AdminRequest.parseOrEmpty(req).node();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("grace_seconds")) {
                throw ApiException.invalidRequest("Unknown field '" + f + "'; a rotation takes only grace_seconds");
            }
        });
        JsonNode grace = body.path("grace_seconds");
        if (!grace.isMissingNode() && !grace.isNull() && (!grace.canConvertToExactIntegral() || !grace.canConvertToLong())) {
            throw ApiException.invalidRequest("Field 'grace_seconds' must be a whole number of seconds from 0 to "
                    + Admin.MAX_GRACE.toSeconds() + " (30 days)");
        }
        Admin.Rotated r = admin.rotateKey(req.path().pathParameters().get("id"), Duration.ofSeconds(grace.asLong(0)));
        ObjectNode n = Json.object();
        n.put("key_id", r.issued().keyId());
        n.put("key", r.issued().key());
        r.previousValidUntil().ifPresent(u -> n.put("previous_valid_until", u.toString()));
        Responses.json(res, 201, n);
    }

    private void audit(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        var q = req.query();
        Admin.Page<AuditEntry> page = admin.audit(q.first("target").asOptional(), q.first("cursor").asOptional(), limit(req));
        Responses.json(res, pageJson(page, AdminViews::audit));
    }

    /** A page as {@code {"data": [...], "next_cursor": …}} (null on the last page). */
    private static <T> ObjectNode pageJson(Admin.Page<T> page, java.util.function.Function<T, ObjectNode> view) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        page.items().forEach(item -> data.add(view.apply(item)));
        body.put("next_cursor", page.nextCursor().orElse(null));
        return body;
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
        admin.models().forEach(m -> data.add(withHealth(Views.adminModel(m), health.apply(m))));
        Responses.json(res, body);
    }

    /** Each deployment of the model's view with its state on this node (no secret: the provider's name only). */
    private static ObjectNode withHealth(ObjectNode model, List<DeploymentHealth> states) {
        JsonNode deployments = model.get("deployments");
        for (int i = 0; i < states.size() && i < deployments.size(); i++) {
            DeploymentHealth h = states.get(i);
            ((ObjectNode) deployments.get(i)).put("circuit", h.circuit()).put("state", h.state().name().toLowerCase(Locale.ROOT))
                    .put("in_flight", h.inFlight()).put("configured", h.configured());
        }
        return model;
    }

    private void upsertModel(ServerRequest req, ServerResponse res) {
        requireAdmin(req);
        JsonNode body = AdminRequest.parse(req).node();
        Model saved = admin.upsertModel(body);
        Responses.json(res, Views.adminModel(saved));
    }
}
