package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.admin.AdminViews;
import io.hpp.router.billing.QuotaCache;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.KeySettings;
import io.hpp.router.store.KeySpend;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The consumer API's read endpoints: model list, usage, the calling key, quota check. */
final class ConsumerRoutes {
    private static final String AUTO = "hpprouter/auto";

    private final Authenticator auth;
    private final Store store;
    private final ModelCatalog catalog;
    private final QuotaCache quotaCache;

    ConsumerRoutes(Authenticator auth, Store store, ModelCatalog catalog, QuotaCache quotaCache) {
        this.auth = auth;
        this.store = store;
        this.catalog = catalog;
        this.quotaCache = quotaCache;
    }

    void register(RouteTable routes) {
        routes.add(Method.GET, "/llm/v1/models", this::models)
                .add(Method.GET, "/api/usage", this::usage)
                .add(Method.GET, "/api/key", this::ownKey)
                .add(Method.GET, "/api/quota-check", this::quotaCheck);
    }

    /** The models the calling key may use. */
    private void models(ServerRequest req, ServerResponse res) {
        KeySettings allowed = auth.require(req).settings();
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        if (allowed.allows(AUTO)) {
            data.add(Views.autoModel());
        }
        for (Model m : catalog.enabled()) {
            if (allowed.allows(m.id())) {
                data.add(Views.publicModel(m));
            }
        }
        Responses.json(res, body);
    }

    /** The consumer's totals, and each of its keys' share. */
    private void usage(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        ObjectNode body = Views.usage(store.consumer(key.consumerId())
                .orElseThrow(() -> ApiException.notFound("Consumer " + key.consumerId() + " no longer exists")));
        Map<String, KeySpend> spends = store.keySpends(key.consumerId());
        Instant now = Instant.now();
        ArrayNode keys = body.putArray("keys");
        for (ApiKeyRecord k : store.keys(key.consumerId())) {
            keys.add(AdminViews.keyUsage(k, Optional.ofNullable(spends.get(k.id())), now));
        }
        Responses.json(res, body);
    }

    /** The calling key's own settings, spend and limits (never its secret), so that an agent can check itself. */
    private void ownKey(ServerRequest req, ServerResponse res) {
        ApiKeyRecord caller = auth.require(req);
        ApiKeyRecord key = store.key(caller.id()).orElse(caller);
        Responses.json(res, AdminViews.key(key, store.keySpend(key.id()), Instant.now()));
    }

    private void quotaCheck(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        Responses.json(res, Views.quotaCheck(quotaCache.get(key.consumerId())
                .orElseThrow(() -> ApiException.notFound("Consumer " + key.consumerId() + " no longer exists"))));
    }
}
