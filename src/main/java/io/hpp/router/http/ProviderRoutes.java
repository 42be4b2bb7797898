package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.common.Json;
import io.hpp.router.config.ProviderConfig;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code GET /admin/v1/providers}: every provider the configuration names, whether it serves, and how many catalog
 * models use it. Header names only: no key and no header value is ever shown.
 */
final class ProviderRoutes {
    private final AdminGuard admin;
    private final RouterConfig config;
    private final Store store;

    ProviderRoutes(AdminGuard admin, RouterConfig config, Store store) {
        this.admin = admin;
        this.config = config;
        this.store = store;
    }

    void register(RouteTable routes) {
        routes.add(Method.GET, "/admin/v1/providers", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        admin.require(req);
        Map<String, Long> models = store.models().stream().collect(Collectors.groupingBy(Model::provider, Collectors.counting()));
        Map<String, ProviderConfig> all = new TreeMap<>(config.providers());
        all.putAll(config.unconfiguredProviders());
        Map<String, String> states = config.providerStates();
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        all.values().forEach(p -> data.add(view(p, states.get(p.name()), models.getOrDefault(p.name(), 0L))));
        Responses.json(res, body);
    }

    private ObjectNode view(ProviderConfig p, String state, long models) {
        ObjectNode n = Json.object();
        n.put("name", p.name());
        n.put("type", p.type().wire());
        n.put("base_url", p.baseUrl().toString());
        n.put("configured", config.providers().containsKey(p.name()));
        n.put("state", state);
        n.put("api_key", p.apiKey().isPresent());
        ArrayNode headers = n.putArray("headers");
        p.headers().keySet().forEach(headers::add);
        n.put("proxy", p.proxyAddress().orElse(null));
        n.put("ca_file", p.caFile().isPresent());
        if (p.type() == ProviderConfig.Type.AZURE_OPENAI) {
            n.put("api_version", p.apiVersion());
        }
        n.put("models", models);
        return n;
    }
}
