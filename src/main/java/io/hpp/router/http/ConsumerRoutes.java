package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.billing.QuotaCache;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;

/** The consumer API's read endpoints: model list, usage, quota check. */
final class ConsumerRoutes {
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
                .add(Method.GET, "/api/quota-check", this::quotaCheck);
    }

    private void models(ServerRequest req, ServerResponse res) {
        auth.require(req);
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        data.add(Views.autoModel());
        for (Model m : catalog.enabled()) {
            data.add(Views.publicModel(m));
        }
        Responses.json(res, body);
    }

    private void usage(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        Responses.json(res, Views.usage(store.consumer(key.consumerId())
                .orElseThrow(() -> ApiException.notFound("Consumer " + key.consumerId() + " no longer exists"))));
    }

    private void quotaCheck(ServerRequest req, ServerResponse res) {
        ApiKeyRecord key = auth.require(req);
        Responses.json(res, Views.quotaCheck(quotaCache.get(key.consumerId())
                .orElseThrow(() -> ApiException.notFound("Consumer " + key.consumerId() + " no longer exists"))));
    }
}
