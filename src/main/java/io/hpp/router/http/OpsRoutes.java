package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.hpp.router.billing.SetAsideFile;
import io.hpp.router.common.Json;
import io.hpp.router.observe.Metrics;
import io.hpp.router.store.Store;
import java.util.Map;
import java.util.Set;

/** For operators and load balancers: {@code /metrics}, {@code /healthz} (alive), {@code /readyz} (able to serve). */
final class OpsRoutes {
    private final Metrics metrics;
    private final AdminGuard metricsGuard;
    private final Store store;
    private final Set<String> providers;
    private final Map<String, String> providerStates;
    private final SetAsideFile setAside;
    private final java.util.function.Supplier<java.util.Optional<String>> journalFailure;

    /** @param providerStates every provider configured or declared, by name: {@code ok} or why it cannot serve */
    OpsRoutes(Metrics metrics, AdminGuard metricsGuard, Store store, Set<String> providers, Map<String, String> providerStates,
              SetAsideFile setAside, java.util.function.Supplier<java.util.Optional<String>> journalFailure) {
        this.providerStates = providerStates;
        this.journalFailure = journalFailure;
        this.metrics = metrics;
        this.metricsGuard = metricsGuard;
        this.store = store;
        this.providers = providers;
        this.setAside = setAside;
    }

    void register(RouteTable routes) {
        routes.add(Method.GET, "/metrics", this::metrics)
                .add(Method.GET, "/healthz", this::health)
                .add(Method.GET, "/readyz", this::ready);
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        metricsGuard.require(req);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(metrics.scrape());
    }

    private void health(ServerRequest req, ServerResponse res) {
        Responses.json(res, Json.object().put("status", "ok"));
    }

    /**
     * Ready when the database answers (its schema was migrated before the server started), a provider is configured
     * and the settlement journal can be written.
     * Settlements set aside are reported, not made a reason to stop serving: the node settles everything else, and a
     * load balancer taking nodes out for them would turn one refused row into an outage.
     */
    private void ready(ServerRequest req, ServerResponse res) {
        ObjectNode checks = Json.object();
        boolean ok = true;
        try {
            store.ping();
            checks.put("database", "ok");
            checks.put("migrations", "applied");
        } catch (RuntimeException e) {
            checks.put("database", "unreachable");
            ok = false;
        }
        checks.set("providers", Json.MAPPER.valueToTree(providers.stream().sorted().toList()));
        // beside the list of those that serve (its shape kept for existing probes): each provider and its state, so a
        // preset left without its key shows, rather than being missing from the list
        checks.set("provider_states", Json.MAPPER.valueToTree(providerStates));
        // reported, not a reason to be unready: without the patch the router serves, with more full collections
        checks.put("helidon_patch", HelidonPatch.problem().map(p -> "not in use").orElse("ok"));
        long setAsideCount = setAside.count();
        // the count, not the path: /readyz answers anyone, and the file is named by the configuration
        checks.put("settlements", setAsideCount == 0 ? "ok" : setAsideCount + " set aside (see settlements.set_aside_file)");
        // a journal that cannot be written makes the node unready: it refuses requests (503) rather than serve answers it
        // could not account for after a crash
        boolean journal = journalFailure.get().isEmpty();
        checks.put("journal", journal ? "ok" : "cannot be written (the disk may be full): requests are refused");
        if (providers.isEmpty() || !journal) {
            ok = false;
        }
        ObjectNode body = Json.object().put("status", ok ? "ready" : "not_ready");
        body.set("checks", checks);
        Responses.json(res, ok ? 200 : 503, body);
    }
}
