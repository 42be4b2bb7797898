package io.hpp.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.routing.RuleSet;
import io.hpp.router.store.RulesetRecord;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Publishing, listing and activating routing ruleset versions; shared by the admin API and the CLI. */
public final class RoutingAdmin {
    private final Store store;
    private final Function<String, Optional<Model>> catalog;
    private final Runnable rulesChanged;
    private final AuditTrail audit;

    /** @param actor who makes the changes, as the audit records it: {@code admin-api} or {@code cli} */
    public RoutingAdmin(Store store, Function<String, Optional<Model>> catalog, Runnable rulesChanged, String actor) {
        this.store = store;
        this.catalog = catalog;
        this.rulesChanged = rulesChanged;
        this.audit = new AuditTrail(store, actor);
    }

    public List<RulesetRecord> rulesets() {
        return store.rulesets();
    }

    /** Validates the ruleset, stores it as the next version and activates it; nothing changes when it is invalid. */
    public RulesetRecord publish(JsonNode body, String createdBy) {
        RuleSet parsed = RuleSet.parse(0, body);
        for (String model : parsed.models()) {
            Model m = catalog.apply(model).orElseThrow(() -> ApiException.invalidRequest(
                    "Invalid ruleset: model '" + model + "' is not in the catalog (it would have no pricing)"));
            if (m.kind() != Model.Kind.CHAT) {
                throw ApiException.invalidRequest("Invalid ruleset: model '" + model + "' is not a chat model");
            }
            if (!parsed.allows(m.provider())) {
                throw ApiException.invalidRequest("Invalid ruleset: model '" + model + "' belongs to provider '" + m.provider()
                        + "', which allowed_providers excludes");
            }
        }
        Optional<Long> before = activeVersion();
        RulesetRecord saved = store.publishRuleset(body.toString(), createdBy);
        rulesChanged.run();
        store.notifyNodes("rules");
        audit.record("ruleset.publish", "ruleset:" + saved.version(), activeChange(before, saved.version()));
        return saved;
    }

    public RulesetRecord activate(long version) {
        Optional<Long> before = activeVersion();
        if (!store.activateRuleset(version)) {
            throw ApiException.notFound("No routing ruleset version " + version);
        }
        rulesChanged.run();
        store.notifyNodes("rules");
        audit.record("ruleset.activate", "ruleset:" + version, activeChange(before, version));
        return store.activeRuleset().orElseThrow();
    }

    private Optional<Long> activeVersion() {
        return store.activeRuleset().map(RulesetRecord::version);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode activeChange(Optional<Long> before, long after) {
        var was = io.hpp.router.common.Json.object();
        before.ifPresentOrElse(v -> was.put("active_version", v), () -> was.putNull("active_version"));
        return AuditTrail.changes(was, io.hpp.router.common.Json.object().put("active_version", after));
    }
}
