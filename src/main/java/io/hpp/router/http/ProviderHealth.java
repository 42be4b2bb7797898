package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.chat.DeploymentHealth;
import io.hpp.router.common.Json;
import io.hpp.router.provider.CircuitBreakers;
import io.hpp.router.store.LogHealth;
import io.hpp.router.store.Stats;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Each provider's side of the statistics: its requests, failures and latency percentiles in a window of the log
 * (summed over the deployments and models it served), with the state of its circuits on this node; and spend by
 * provider from spend by deployment.
 */
final class ProviderHealth {
    /** Deployments read to sum spend by provider: far more than any catalog holds. */
    static final int MAX_DEPLOYMENTS = 10_000;

    private final Store store;
    private final Function<Model, List<DeploymentHealth>> health;

    ProviderHealth(Store store, Function<Model, List<DeploymentHealth>> health) {
        this.store = store;
        this.health = health;
    }

    /** One provider's totals while they are summed. */
    private static final class Sums {
        long requests;
        long failures;
        final long[] latency = new long[LogHealth.HISTOGRAM_SIZE];
        final long[] ttft = new long[LogHealth.HISTOGRAM_SIZE];
        final Map<CircuitBreakers.State, Integer> circuits = new EnumMap<>(CircuitBreakers.State.class);
    }

    /** Calls to providers under way on this node: every catalog model's deployments' requests in flight. */
    int upstreamInFlight() {
        int n = 0;
        for (Model m : store.models()) {
            for (DeploymentHealth h : health.apply(m)) {
                n += h.inFlight();
            }
        }
        return n;
    }

    /** Every provider a catalog model uses, and any other that served in the window; by name. */
    ArrayNode view(Instant since, Instant until) {
        Map<String, Sums> byProvider = new TreeMap<>();
        Map<String, String> providerOf = new TreeMap<>();
        for (Model m : store.models()) {
            providerOf.put(m.id(), m.provider());
            for (DeploymentHealth h : health.apply(m)) {
                byProvider.computeIfAbsent(h.deployment().provider(), p -> new Sums()).circuits.merge(h.state(), 1, Integer::sum);
            }
        }
        for (LogHealth.ModelHealth h : store.stats().health(since, until)) {
            Optional<String> provider = h.deploymentProvider().or(() -> Optional.ofNullable(providerOf.get(h.model())));
            if (provider.isEmpty()) {
                continue; // a model no longer in the catalog, or one that never was (the request was refused)
            }
            Sums s = byProvider.computeIfAbsent(provider.get(), p -> new Sums());
            s.requests += h.requests();
            s.failures += h.failures();
            LogHealth.merge(s.latency, h.latency());
            LogHealth.merge(s.ttft, h.ttft());
        }
        ArrayNode data = Json.MAPPER.createArrayNode();
        byProvider.forEach((name, s) -> data.add(row(name, s)));
        return data;
    }

    private static ObjectNode row(String name, Sums s) {
        ObjectNode n = Json.object();
        n.put("provider", name);
        n.put("requests", s.requests);
        n.put("errors", s.failures);
        // a share, not money: four decimals are enough to read
        n.put("error_rate", s.requests == 0 ? 0 : Math.round(s.failures * 10_000.0 / s.requests) / 10_000.0);
        n.set("latency_ms", percentiles(s.latency));
        n.set("ttft_ms", percentiles(s.ttft));
        ObjectNode circuits = n.putObject("circuits");
        circuits.put("closed", s.circuits.getOrDefault(CircuitBreakers.State.CLOSED, 0));
        circuits.put("open", s.circuits.getOrDefault(CircuitBreakers.State.OPEN, 0));
        circuits.put("half_open", s.circuits.getOrDefault(CircuitBreakers.State.HALF_OPEN, 0));
        return n;
    }

    private static ObjectNode percentiles(long[] histogram) {
        ObjectNode n = Json.object();
        for (int p : new int[] {50, 90, 99}) {
            OptionalLong v = LogHealth.percentile(histogram, p);
            if (v.isPresent()) {
                n.put("p" + p, v.getAsLong());
            } else {
                n.putNull("p" + p);
            }
        }
        return n;
    }

    /** Spend by deployment ({@code provider:upstream_model}) summed by provider; the {@code limit} largest. */
    static List<Stats.Top> byProvider(List<Stats.Top> deployments, int limit) {
        Map<String, Stats.Top> sums = new TreeMap<>();
        for (Stats.Top d : deployments) {
            int colon = d.key().indexOf(':');
            String provider = colon > 0 ? d.key().substring(0, colon) : d.key();
            sums.merge(provider, new Stats.Top(provider, d.requests(), d.tokens(), d.spend()),
                    (a, b) -> new Stats.Top(provider, a.requests() + b.requests(), a.tokens() + b.tokens(), a.spend().plus(b.spend())));
        }
        return sums.values().stream()
                .sorted(Comparator.comparing((Stats.Top t) -> t.spend().nanos()).reversed()
                        .thenComparing(Comparator.comparingLong(Stats.Top::requests).reversed())
                        .thenComparing(Stats.Top::key))
                .limit(limit).toList();
    }
}
