package io.hpp.router.chat;

import io.hpp.router.provider.CircuitBreakers;
import io.hpp.router.value.Model;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orders a model's deployments for one request. Those whose circuit would let a request through come first: the one a
 * conversation was served by last (if any), then the least busy for its weight (fewest requests in flight per unit of
 * weight), ties broken by smooth weighted round robin — so that sequential requests split exactly by weight, and
 * concurrent ones move away from a deployment that is slow. The rest follow, each skipped by its open circuit.
 * In-flight counts are kept for every target, by its circuit name.
 */
final class Balancer {
    private final CircuitBreakers breakers;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Rotation> rotations = new ConcurrentHashMap<>();

    Balancer(CircuitBreakers breakers) {
        this.breakers = breakers;
    }

    /** {@code deployments} of model {@code modelId} in the order to try them; {@code sticky}: the conversation's last. */
    List<Model.Deployment> order(String modelId, List<Model.Deployment> deployments, Optional<String> sticky) {
        List<Model.Deployment> ready = new ArrayList<>();
        List<Model.Deployment> closed = new ArrayList<>();
        for (Model.Deployment d : deployments) {
            (breakers.available(d.name()) ? ready : closed).add(d);
        }
        List<Model.Deployment> order = new ArrayList<>(deployments.size());
        Optional<Model.Deployment> kept = sticky.flatMap(s -> ready.stream().filter(d -> d.name().equals(s)).findFirst());
        if (kept.isPresent()) {
            order.add(kept.get());
            ready.remove(kept.get());
        } else if (!ready.isEmpty()) {
            Model.Deployment first = rotations.computeIfAbsent(modelId, m -> new Rotation()).next(leastBusy(ready));
            order.add(first);
            ready.remove(first);
        }
        // the others only matter when the first fails: least busy first, heavier first among equals
        ready.sort((a, b) -> {
            int byLoad = Long.compare((long) inFlight(a.name()) * b.weight(), (long) inFlight(b.name()) * a.weight());
            return byLoad != 0 ? byLoad : Integer.compare(b.weight(), a.weight());
        });
        order.addAll(ready);
        order.addAll(closed);
        return order;
    }

    /** The deployments with the fewest requests in flight per unit of weight. */
    private List<Model.Deployment> leastBusy(List<Model.Deployment> ds) {
        List<Model.Deployment> least = new ArrayList<>();
        Model.Deployment best = null;
        for (Model.Deployment d : ds) {
            int c = best == null ? -1 : Long.compare((long) inFlight(d.name()) * best.weight(), (long) inFlight(best.name()) * d.weight());
            if (c < 0) {
                least.clear();
                best = d;
            }
            if (c <= 0) {
                least.add(d);
            }
        }
        return least;
    }

    void started(String target) {
        inFlight.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
    }

    void ended(String target) {
        inFlight.get(target).decrementAndGet();
    }

    /** Requests to {@code target} under way on this node. */
    int inFlight(String target) {
        AtomicInteger n = inFlight.get(target);
        return n == null ? 0 : n.get();
    }

    /**
     * Smooth weighted round robin (nginx's): each pick adds every candidate's weight to its credit and takes the one with
     * the most, which then pays the candidates' total; over {@code sum(weights)} picks each is taken {@code weight}
     * times, spread out rather than in runs.
     */
    private static final class Rotation {
        private final Map<String, Long> credit = new HashMap<>();

        synchronized Model.Deployment next(List<Model.Deployment> candidates) {
            if (candidates.size() == 1) {
                return candidates.getFirst();
            }
            long total = 0;
            Model.Deployment best = null;
            long bestCredit = Long.MIN_VALUE;
            for (Model.Deployment d : candidates) {
                long c = credit.merge(d.name(), (long) d.weight(), Long::sum);
                total += d.weight();
                if (c > bestCredit) {
                    bestCredit = c;
                    best = d;
                }
            }
            credit.merge(best.name(), -total, Long::sum);
            return best;
        }
    }
}
