package io.hpp.router.chat;

import io.hpp.router.billing.CostCalculator;
import io.hpp.router.billing.QuotaLedger;
import io.hpp.router.billing.RateLimiter;
import io.hpp.router.common.ApiException;
import io.hpp.router.routing.RouteDecision;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.StoreException;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import io.hpp.router.value.Price;
import io.hpp.router.value.TokenUsage;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What one request did, gathered as the pipeline runs, for its settlement and log row. Shared by chat and images. */
public final class RequestRecord {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRecord.class);

    final ApiKeyRecord key;
    final String requestId;
    final String endpoint;
    final long startNanos = System.nanoTime();
    long upstreamNanos;
    RateLimiter.Admission admission = RateLimiter.Admission.UNLIMITED;
    Optional<Money> baseline = Optional.empty();
    String requestedModel = "";
    Optional<Model> model = Optional.empty();
    /** The deployment the request was sent to last: the one that served it, if one did. */
    Optional<String> deployment = Optional.empty();
    Optional<RouteDecision> route = Optional.empty();
    Optional<QuotaLedger.Hold> hold = Optional.empty();
    boolean streamed;
    TokenUsage usage = TokenUsage.NONE;
    Money cost = Money.ZERO;
    int status = 200;
    Optional<String> errorCode = Optional.empty();
    Optional<Long> ttftMs = Optional.empty();
    boolean overHold;

    public RequestRecord(ApiKeyRecord key, String requestId, String endpoint) {
        this.key = key;
        this.requestId = requestId;
        this.endpoint = endpoint;
    }

    /** The rate-limit windows the request was admitted in. */
    public void admitted(RateLimiter.Admission admission) {
        this.admission = admission;
    }

    /** Time spent on the provider, counted apart so that the router's own latency can be told from it. */
    public void upstream(long nanos) {
        this.upstreamNanos += nanos;
    }

    public void requested(String model) {
        requested(model, false);
    }

    void requested(String model, boolean stream) {
        this.requestedModel = model;
        this.streamed = stream;
    }

    void routed(Optional<RouteDecision> decision) {
        this.route = decision;
    }

    public void resolved(Model model) {
        this.model = Optional.of(model);
    }

    /** The request goes to {@code model} as one of its deployments serves it now. */
    void sentTo(Model model) {
        resolved(model);
        this.deployment = Optional.of(model.deployments().getFirst().name());
    }

    public void held(QuotaLedger.Hold hold) {
        this.hold = Optional.of(hold);
    }

    /**
     * The provider's usage, priced at {@code price}; for hpprouter/auto also what it would have cost on the ruleset's
     * top tier. The charge is the ledger's ({@link QuotaLedger.Hold#charge}): never more than the hold; a report beyond
     * it is logged here and counted when the request settles ({@link #overHold()}).
     */
    public void charged(TokenUsage reported, Price price) {
        QuotaLedger.Charge c = hold.map(h -> h.charge(reported, price)).orElseGet(() -> QuotaLedger.Charge.unheld(reported, price));
        if (c.overHold()) {
            overHold = true;
            LOG.warn("request {} ({}): {} reported {} tokens (input/output/cache write/cache read), priced {}, beyond its hold of {};"
                            + " charged the hold", requestId, endpoint, model.map(Model::id).orElse(requestedModel), describe(reported),
                    c.priced().nanos() == Long.MAX_VALUE ? "beyond 64 bits" : c.priced(), c.cost());
        }
        record(c.usage(), c.cost());
    }

    /**
     * The provider's usage never came (the client left and the provider did not report it within the drain time): the
     * hold's worst case is charged, since that is what the provider may charge us.
     */
    void chargedHold() {
        hold.map(QuotaLedger.Hold::chargeWhole).ifPresent(c -> record(c.usage(), c.cost()));
    }

    private void record(TokenUsage usage, Money cost) {
        this.usage = usage;
        this.cost = cost;
        this.baseline = route.flatMap(RouteDecision::baseline).map(p -> CostCalculator.costOrMax(p, usage));
    }

    private static String describe(TokenUsage u) {
        return u.input() + "/" + u.output() + "/" + u.cacheWrite() + "/" + u.cacheRead();
    }

    /** Whether the provider reported more than the hold covered (charged at the hold). */
    public boolean overHold() {
        return overHold;
    }

    /** The first byte of the answer is ready now. */
    public void answered() {
        answeredAt(System.nanoTime());
    }

    void answeredAt(long nanos) {
        this.ttftMs = Optional.of((nanos - startNanos) / 1_000_000);
    }

    public void failed(Throwable t) {
        switch (t) {
            case ApiException e -> fail(e.status(), e.code());
            case ProviderException e -> fail(e.clientStatus(), e.code());
            case ClientChannel.ClientGoneException e -> fail(499, "client_disconnected");
            case StoreException e -> fail(503, "quota_unavailable");
            default -> fail(500, "internal_error");
        }
    }

    void fail(int status, String code) {
        this.status = status;
        this.errorCode = Optional.of(code);
    }

    public Settlement settlement() {
        Instant now = Instant.now();
        RequestLogEntry entry = new RequestLogEntry(io.hpp.router.common.Ids.timeOrderedUuid(), key.consumerId(), key.id(), requestedModel,
                model.map(Model::id), route.map(d -> d.basket().wire()), route.map(RouteDecision::ruleId),
                route.map(RouteDecision::rulesVersion), route.flatMap(RouteDecision::tier), usage, cost,
                status, errorCode, streamed, (System.nanoTime() - startNanos) / 1_000_000, ttftMs, now,
                new RequestLogEntry.Meta(requestId, endpoint,
                        upstreamNanos > 0 ? Optional.of(upstreamNanos / 1_000_000) : Optional.empty(), baseline,
                        route.flatMap(RouteDecision::reroutedFrom), deployment));
        return new Settlement(hold.map(QuotaLedger.Hold::reservation), entry, admission.consumerWindow(), admission.keyWindow(),
                key.settings().periodStart(now));
    }
}
