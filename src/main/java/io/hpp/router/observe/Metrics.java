package io.hpp.router.observe;

import io.hpp.router.store.RequestLogEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The router's metrics, in Prometheus format at {@code /metrics}. Label sets are bounded: models come from the
 * catalog, endpoints from the route table, and — only when enabled, since whoever reads the metrics learns who spends
 * what — consumers are labelled by id for the first {@value #MAX_CONSUMERS} seen, {@code other} after that; otherwise
 * their spend is one series labelled {@code all}.
 */
public final class Metrics {
    static final int MAX_CONSUMERS = 500;
    private static final String REQUESTS = "Requests by endpoint, model, provider and status";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<String> labelledConsumers = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<MeterKey, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<MeterKey, Timer> timers = new ConcurrentHashMap<>();
    private final DistributionSummary batchRows;
    private final boolean consumerLabels;

    /** @param consumerLabels label spend by consumer id ({@code metrics.consumer_labels}) */
    public Metrics(boolean consumerLabels) {
        this.consumerLabels = consumerLabels;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        batchRows = DistributionSummary.builder("hpp_request_log_batch_rows").description("Rows per request-log batch").register(registry);
        settlementSetAside(0);
        settlementCleaned(0);
    }

    public String scrape() {
        return registry.scrape();
    }

    /** A request that did not go through the chat or image pipeline. */
    public void request(String endpoint, int status, long nanos) {
        counter("hpp_requests", REQUESTS, "endpoint", endpoint, "model", "none", "provider", "none", "status", Integer.toString(status))
                .increment();
        timer("hpp_added_latency", "Time the router itself adds to a request", "endpoint", endpoint).record(Duration.ofNanos(nanos));
    }

    /** A chat or image request, from its settlement. */
    public void settled(RequestLogEntry e, String provider) {
        String model = e.resolvedModel().orElse("none");
        counter("hpp_requests", REQUESTS, "endpoint", e.meta().endpoint(), "model", model, "provider", provider,
                "status", Integer.toString(e.status())).increment();
        e.meta().deployment().ifPresent(d -> counter("hpp_deployment_requests", "Requests by the deployment (provider:upstream_model) that served"
                + " or last failed them, and status", "model", model, "deployment", d, "status", Integer.toString(e.status())).increment());
        long upstreamMs = e.meta().upstreamMs().orElse(0L);
        timer("hpp_added_latency", "Time the router itself adds to a request", "endpoint", e.meta().endpoint())
                .record(Duration.ofMillis(Math.max(0, e.latencyMs() - upstreamMs)));
        e.meta().upstreamMs().ifPresent(ms -> timer("hpp_upstream_latency", "Time spent on the provider", "provider", provider)
                .record(Duration.ofMillis(ms)));
        if (e.streamed()) {
            e.ttftMs().ifPresent(ms -> timer("hpp_time_to_first_token", "Time to the first streamed event", "provider", provider)
                    .record(Duration.ofMillis(ms)));
        }
        tokens(model, "input", e.usage().input());
        tokens(model, "output", e.usage().output());
        tokens(model, "cache_read", e.usage().cacheRead());
        tokens(model, "cache_write", e.usage().cacheWrite());
        if (e.cost().isPositive()) {
            // Prometheus samples are float64 by definition: these counters are for dashboards; the exact amounts are
            // the ledger's (integer nano-dollars in the database)
            counter("hpp_cost_usd", "Cost charged, by model", "model", model).increment(e.cost().dollars().doubleValue());
            counter("hpp_consumer_cost_usd", "Cost charged, by consumer when enabled (first " + MAX_CONSUMERS + " consumers; then other)",
                    "consumer", consumerLabel(e.consumerId())).increment(e.cost().dollars().doubleValue());
        }
        if (e.errorCode().filter("quota_exceeded"::equals).isPresent()) {
            counter("hpp_quota_rejections", "Requests refused for lack of quota").increment();
        }
        if (e.errorCode().filter("rate_limited"::equals).isPresent()) {
            counter("hpp_rate_limit_rejections", "Requests refused by a consumer's rate limit").increment();
        }
        if (e.basket().isPresent()) {
            counter("hpp_routing_decisions", "hpprouter/auto decisions", "basket", e.basket().get(), "tier", e.tier().orElse("none"),
                    "rule", e.ruleId().orElse("none"), "version", e.rulesVersion().map(String::valueOf).orElse("none")).increment();
        }
    }

    /** A connection or request the router's edge closed or refused, by reason (a fixed set: timeouts, limits). */
    public void edge(String reason) {
        counter("hpp_edge_events", "Connections and requests closed or refused at the edge, by reason", "reason", reason).increment();
    }

    /** Settlement writes: how long each batch took. */
    public void logWrite(long nanos, int rows) {
        timer("hpp_request_log_write", "Time to write one batch of request-log rows", "kind", "batch").record(Duration.ofNanos(nanos));
        batchRows.record(rows);
    }

    /**
     * A settlement whose provider reported more than its request held (or an absurd number of tokens): it was charged
     * the hold. Each one is a provider anomaly (or a price below what the provider bills) worth a look.
     */
    public void settlementOverHold(String endpoint) {
        counter("hpp_settlement_over_hold", "Settlements whose reported usage was beyond the request's hold, charged the hold",
                "endpoint", endpoint).increment();
    }

    /** A settlement the database refused even with its text cleaned, set aside in the set-aside file for an operator. */
    public void settlementSetAside() {
        settlementSetAside(1);
    }

    /** A settlement the database refused as it was and took with its text cleaned. */
    public void settlementCleaned() {
        settlementCleaned(1);
    }

    private void settlementSetAside(int n) {
        counter("hpp_settlements_set_aside", "Settlements the database refused, set aside in the set-aside file for an operator")
                .increment(n);
    }

    private void settlementCleaned(int n) {
        counter("hpp_settlements_cleaned", "Settlements written only once control characters were replaced and lengths bounded")
                .increment(n);
    }

    /** A request served by a fallback model. */
    public void fallback(String from, String to) {
        counter("hpp_fallbacks", "Requests served by a fallback model", "from", from, "to", to).increment();
    }

    /** The circuit of one target: 0 closed, 1 open, 0.5 half-open (probing). */
    public void circuit(String target, Supplier<Number> state) {
        io.micrometer.core.instrument.Gauge.builder("hpp_circuit_state", state).description("Circuit of a model: 0 closed, 0.5 half-open, 1 open")
                .tag("target", target).register(registry);
    }

    /**
     * A provider's connections: open, and idle of those. With no request under way the two are equal; open staying
     * above idle is a connection that leaked.
     */
    public void upstreamConnections(String provider, Supplier<Number> open, Supplier<Number> idle) {
        io.micrometer.core.instrument.Gauge.builder("hpp_upstream_connections", open).description("Connections to a provider, open and idle")
                .tags("provider", provider, "state", "open").register(registry);
        io.micrometer.core.instrument.Gauge.builder("hpp_upstream_connections", idle).description("Connections to a provider, open and idle")
                .tags("provider", provider, "state", "idle").register(registry);
    }

    /** A gauge read when scraped. */
    public void gauge(String name, String description, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
    }

    private void tokens(String model, String kind, long n) {
        if (n > 0) {
            counter("hpp_tokens", "Tokens by model and kind", "model", model, "kind", kind).increment(n);
        }
    }

    /**
     * A counter, registered on first use and then taken from a map: registering again on every request (building and
     * sorting its tags, then looking it up) cost more than the increment itself.
     */
    private Counter counter(String name, String description, String... tags) {
        MeterKey key = new MeterKey(name, List.of(tags));
        Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String name, String description, String tagKey, String tagValue) {
        MeterKey key = new MeterKey(name, List.of(tagKey, tagValue));
        Timer t = timers.get(key);
        return t != null ? t : timers.computeIfAbsent(key, k -> Timer.builder(name).description(description).tag(tagKey, tagValue)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry));
    }

    private record MeterKey(String name, List<String> tags) {
    }

    private String consumerLabel(String consumerId) {
        if (!consumerLabels) {
            return "all";
        }
        if (labelledConsumers.contains(consumerId)) {
            return consumerId;
        }
        if (labelledConsumers.size() < MAX_CONSUMERS && labelledConsumers.add(consumerId)) {
            return consumerId;
        }
        return labelledConsumers.contains(consumerId) ? consumerId : "other";
    }
}
