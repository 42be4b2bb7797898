package io.hpp.router.routing;

import io.hpp.router.common.Json;
import io.hpp.router.store.RulesetRecord;
import io.hpp.router.store.Store;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active ruleset, held in memory. Seeds the default as version 1 into an empty database; {@link #refresh} (run
 * every second) picks up a version activated elsewhere, so every node follows within a second without a restart.
 */
public final class ActiveRules {
    private static final Logger LOG = LoggerFactory.getLogger(ActiveRules.class);

    private final Store store;
    private volatile Optional<RuleSet> active = Optional.empty();

    public ActiveRules(Store store) {
        this.store = store;
        if (store.rulesets().isEmpty()) {
            store.publishRuleset(Json.MAPPER.valueToTree(RuleSet.defaults()).toString(), "seed");
            LOG.info("seeded the default routing ruleset as version 1");
        }
        refresh();
    }

    public Optional<RuleSet> active() {
        return active;
    }

    /** Reloads the active version if it changed. */
    public void refresh() {
        Optional<RulesetRecord> record = store.activeRuleset();
        long current = active.map(RuleSet::version).orElse(-1L);
        if (record.isEmpty()) {
            active = Optional.empty();
        } else if (record.get().version() != current) {
            active = Optional.of(RuleSet.parse(record.get().version(), record.get().body()));
            LOG.info("routing ruleset version {} is active", record.get().version());
        }
    }
}
