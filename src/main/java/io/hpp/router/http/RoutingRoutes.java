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
import io.hpp.router.admin.eval.EvalRow;
import io.hpp.router.admin.eval.LabelMapping;
import io.hpp.router.admin.eval.RulesetEvaluator;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.routing.PromptTokens;
import io.hpp.router.routing.RuleSet;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Smart-routing endpoints: the consumer's and the operator's route preview, the admin ruleset versions, and their offline evaluation. */
final class RoutingRoutes {
    private final Authenticator auth;
    private final AdminGuard admin;
    private final SmartRouter router;
    private final RoutingAdmin rulesets;
    private final RulesetEvaluator evaluator;

    /** At most this many rows an evaluation: the 3,479-row RouteLLM set fits, with room. */
    static final int MAX_EVAL_ROWS = 5_000;
    /** An evaluation stops with a 400 past this; the 3,479-row set takes ~1 s. */
    static final Duration MAX_EVAL_TIME = Duration.ofSeconds(20);

    RoutingRoutes(Authenticator auth, AdminGuard admin, SmartRouter router, RoutingAdmin rulesets, ModelCatalog catalog) {
        this.auth = auth;
        this.admin = admin;
        this.router = router;
        this.rulesets = rulesets;
        this.evaluator = new RulesetEvaluator(catalog, new PromptTokens());
    }

    void register(RouteTable routes) {
        routes.add(Method.POST, "/api/route-preview", this::preview)
                .add(Method.POST, "/admin/v1/routing/preview", this::adminPreview)
                .add(Method.GET, "/admin/v1/routing/rulesets", this::list)
                .add(Method.POST, "/admin/v1/routing/rulesets", this::publish)
                .add(Method.POST, "/admin/v1/routing/rulesets/{version}/activate", this::activate)
                .add(Method.POST, "/admin/v1/routing/eval", this::eval);
    }

    private void preview(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        ChatRequest chat = autoRequest(req);
        if (!key.settings().allows("hpprouter/auto")) {
            throw new ApiException(403, "model_not_allowed", "This API key may not use model 'hpprouter/auto'");
        }
        Responses.json(res, decisionJson(router.decide(chat, key.settings()::autoMayUse)));
    }

    /** The operator's preview: the active ruleset's decision for a pasted request, with no key's allow-list. */
    private void adminPreview(ServerRequest req, ServerResponse res) {
        admin.require(req);
        Responses.json(res, decisionJson(router.decide(autoRequest(req), model -> true)));
    }

    private static ChatRequest autoRequest(ServerRequest req) {
        ChatRequest chat = ChatRequest.parse(Requests.body(req));
        if (!chat.model().equals("hpprouter/auto")) {
            throw ApiException.invalidRequest("Route preview is for model hpprouter/auto, got '" + chat.model() + "'");
        }
        return chat;
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

    /**
     * {@code {"dataset": [rows] | "dataset_jsonl": "…", "ruleset": {...} | "version": n (default: the active one), "mapping": "simple=weak,..."}} →
     * the report {@code rules eval --json} prints. No provider is called.
     */
    private void eval(ServerRequest req, ServerResponse res) {
        admin.require(req);
        JsonNode body = AdminRequest.parse(req).node();
        List<EvalRow> rows = evalRows(body);
        LabelMapping mapping = body.hasNonNull("mapping") ? LabelMapping.parse(body.get("mapping").asText()) : LabelMapping.DEFAULT;
        RuleSet rs = evalRuleset(body);
        long start = System.nanoTime();
        var cases = evaluator.prepare(rows);
        Duration left = MAX_EVAL_TIME.minusNanos(System.nanoTime() - start);
        Responses.json(res, evaluator.evaluate(rs, cases, mapping, left.isNegative() ? Duration.ZERO : left).toJson());
    }

    /**
     * The rows: {@code dataset}, an array of row objects, or {@code dataset_jsonl}, the dataset file's text as one string
     * (the JSON body guard allows one element per 32 bytes, and the RouteLLM file has ~40 elements in ~770 bytes a row).
     */
    private static List<EvalRow> evalRows(JsonNode body) {
        JsonNode dataset = body.get("dataset");
        JsonNode jsonl = body.get("dataset_jsonl");
        if ((dataset == null) == (jsonl == null)) {
            throw ApiException.invalidRequest("Give the rows as 'dataset' (an array) or 'dataset_jsonl' (JSON Lines in a string), one of the two");
        }
        if (jsonl != null && !jsonl.isTextual()) {
            throw ApiException.invalidRequest("'dataset_jsonl' must be a string of JSON Lines");
        }
        if (dataset != null && (!dataset.isArray() || dataset.isEmpty())) {
            throw ApiException.invalidRequest("'dataset' must be a non-empty array of scored rows");
        }
        List<EvalRow> rows = dataset != null ? EvalRow.parseArray(dataset)
                : EvalRow.parseLines(jsonl.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (rows.isEmpty()) {
            throw ApiException.invalidRequest("'dataset_jsonl' holds no rows");
        }
        if (rows.size() > MAX_EVAL_ROWS) {
            throw ApiException.invalidRequest("The dataset has " + rows.size() + " rows; at most " + MAX_EVAL_ROWS + " are evaluated at once");
        }
        return rows;
    }

    private RuleSet evalRuleset(JsonNode body) {
        if (body.hasNonNull("ruleset") && body.hasNonNull("version")) {
            throw ApiException.invalidRequest("Give 'ruleset' or 'version', not both");
        }
        if (body.hasNonNull("ruleset")) {
            return RuleSet.parse(0, body.get("ruleset"));
        }
        JsonNode v = body.get("version");
        if (v != null && !v.isNull() && !v.canConvertToExactIntegral()) {
            throw ApiException.invalidRequest("'version' must be a whole number");
        }
        RulesetRecord r = rulesets.rulesets().stream()
                .filter(x -> v == null || v.isNull() ? x.active() : x.version() == v.asLong()).findFirst()
                .orElseThrow(() -> v == null || v.isNull() ? ApiException.invalidRequest("No routing ruleset is active")
                        : ApiException.notFound("No routing ruleset version " + v.asLong()));
        return RuleSet.parse(r.version(), r.body());
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
