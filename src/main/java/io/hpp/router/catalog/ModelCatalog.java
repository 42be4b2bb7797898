package io.hpp.router.catalog;

import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The model catalog held in memory and read on every request; the database is the source of truth. Refreshed after
 * each admin change on this node and periodically, so changes made elsewhere (CLI, another node) show up too.
 */
public final class ModelCatalog {
    private final Store store;
    private volatile Map<String, Model> byId = Map.of();
    private volatile Map<String, Model> byAlias = Map.of();

    public ModelCatalog(Store store) {
        this.store = store;
        refresh();
    }

    public void refresh() {
        Map<String, Model> ids = store.models().stream().collect(Collectors.toUnmodifiableMap(Model::id, Function.identity()));
        byAlias = aliases(ids);
        byId = ids;
    }

    /**
     * The names a client may also use for a model: its id without the provider's prefix ({@code claude-sonnet-4-6} for
     * {@code anthropic/claude-sonnet-4-6}) and the provider's own id ({@code claude-sonnet-4-20250514}), which is what
     * Anthropic's SDKs and Claude Code send. A name that is some model's id, or that two models would share, is no alias.
     */
    private static Map<String, Model> aliases(Map<String, Model> ids) {
        Map<String, Model> aliases = new java.util.HashMap<>();
        java.util.Set<String> shared = new java.util.HashSet<>();
        for (Model m : ids.values()) {
            if (m.kind() != Model.Kind.CHAT) {
                continue;
            }
            for (String name : new java.util.LinkedHashSet<>(List.of(m.id().substring(m.id().indexOf('/') + 1), m.upstreamModel()))) {
                if (ids.containsKey(name)) {
                    continue;
                }
                Model before = aliases.putIfAbsent(name, m);
                if (before != null && !before.id().equals(m.id())) {
                    shared.add(name);
                }
            }
        }
        shared.forEach(aliases::remove);
        return Map.copyOf(aliases);
    }

    /** The model a client's name means: the model with that id, else the one it is an alias of. */
    public Optional<Model> resolve(String name) {
        Model m = byId.get(name);
        return m != null ? Optional.of(m) : Optional.ofNullable(byAlias.get(name));
    }

    /** The model with this id, enabled or not. */
    public Optional<Model> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Enabled models in id order: what {@code /llm/v1/models} lists. */
    public List<Model> enabled() {
        return byId.values().stream().filter(Model::enabled).sorted(Comparator.comparing(Model::id)).toList();
    }

}
