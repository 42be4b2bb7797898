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

    public ModelCatalog(Store store) {
        this.store = store;
        refresh();
    }

    public void refresh() {
        byId = store.models().stream().collect(Collectors.toUnmodifiableMap(Model::id, Function.identity()));
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
