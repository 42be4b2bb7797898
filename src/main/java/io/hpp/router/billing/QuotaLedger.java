package io.hpp.router.billing;

import io.hpp.router.common.ApiException;
import io.hpp.router.config.RouterConfig.OverflowPolicy;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.Reservation;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import io.hpp.router.value.Money;
import io.hpp.router.value.Price;
import io.hpp.router.value.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Holds a request's worst-case cost before any provider is called, so a balance is never overspent. The common case
 * is one conditional hold (PostgreSQL: one statement; SQLite: in memory against the stored balance) priced from the
 * cheap input bound; only when that fails does it read the balance, run
 * the tokenizer for a tighter input estimate and, by policy, lower the output cap to what the consumer can afford.
 * A key with a budget is held against in the same step: the hold must fit both its consumer's balance and what is
 * left of the key's budget in its period, and {@code cap_output} lowers the cap to what both allow.
 * Every input token is held at the model's dearest input rate, and every one of the request's answers at its cap;
 * the hold's ceiling is also the most the request is ever charged (a provider that reports more is an anomaly).
 */
public final class QuotaLedger {
    private static final int RACE_RETRIES = 3;

    private final Store store;
    private final OverflowPolicy policy;
    private final Duration holdLifetime;
    private final SettlementWriter writer;
    private final java.util.function.Consumer<String> onOverHold;
    private final java.time.Clock clock;

    /**
     * @param holdLifetime how long a hold outlives a node that never settles it (the sweeper releases it then)
     * @param writer       settles requests off the response path, in batches (the store's mechanism)
     * @param onOverHold   told (with the endpoint) of a request whose provider reported more than its hold
     */
    public QuotaLedger(Store store, OverflowPolicy policy, Duration holdLifetime, SettlementWriter writer,
                       java.util.function.Consumer<String> onOverHold) {
        this(store, policy, holdLifetime, writer, onOverHold, java.time.Clock.systemUTC());
    }

    /** @param clock the time budget periods are read in (tests turn a period without sleeping) */
    public QuotaLedger(Store store, OverflowPolicy policy, Duration holdLifetime, SettlementWriter writer,
                       java.util.function.Consumer<String> onOverHold, java.time.Clock clock) {
        this.clock = clock;
        this.store = store;
        this.policy = policy;
        this.holdLifetime = holdLifetime;
        this.writer = writer;
        this.onOverHold = onOverHold;
    }

    /** A request began that will be {@link #settle}d: a flush (tests, shutdown) waits for it. */
    public void opened() {
        writer.begin();
    }

    /**
     * The end of a request's money: its charge (never more than its hold: {@link Hold#charge}), the rest of the hold
     * released and its log row, committed together off the response path by the writer. True when the settlement
     * survives the death of this process (it is in the journal): only then may the request's answer be finished.
     */
    public boolean settle(Settlement settlement, boolean overHold) {
        if (overHold) {
            onOverHold.accept(settlement.entry().meta().endpoint());
        }
        return writer.submit(settlement);
    }

    /**
     * 503 {@code journal_unavailable} before any provider call while settlements cannot be recorded: the router does not
     * serve answers it could not account for after a crash.
     */
    public void requireRecordable() {
        if (writer != null) {
            writer.unrecordable().ifPresent(why -> {
                throw unrecordable();
            });
        }
    }

    /** The refusal of a request whose settlement could not be recorded: its answer is withheld. */
    public static ApiException unrecordable() {
        return new ApiException(503, "journal_unavailable",
                "The router cannot record requests' settlements durably right now (its journal cannot be written); retry later");
    }

    /**
     * Money held for one request, and the output cap (per answer) to send upstream when it had to be lowered.
     *
     * @param ceiling   the most the request may be charged: the held amount, or under {@code check_only} the worst
     *                  case the hold could not cover (that policy may overspend by one request, never by more)
     * @param worstCase the tokens the ceiling prices: the input bound or estimate, and every answer at its cap
     */
    public record Hold(Reservation reservation, Optional<Long> loweredOutputCap, Money ceiling, TokenUsage worstCase) {
        /**
         * What the provider's reported usage is charged under this hold, at {@code price}: never more than the hold's
         * ceiling. Usage that prices above it, or that reports more than {@link TokenUsage#MAX_TOKENS} of a kind, is
         * charged the ceiling ({@link Charge#overHold()}), its tokens bounded.
         */
        public Charge charge(TokenUsage reported, Price price) {
            Charge unheld = Charge.unheld(reported, price);
            boolean over = unheld.priced().compareTo(ceiling) > 0 || !reported.plausible();
            return over ? new Charge(unheld.usage(), ceiling, true, unheld.priced()) : unheld;
        }

        /** The hold's worst case, charged whole: what the provider may charge us when its usage never came. */
        public Charge chargeWhole() {
            return new Charge(worstCase.bounded(), ceiling, false, ceiling);
        }
    }

    /**
     * A request's charge: the usage logged, its cost, whether the provider reported beyond the hold (charged the
     * hold), and what the reported usage priced at (for the warning that says so).
     */
    public record Charge(TokenUsage usage, Money cost, boolean overHold, Money priced) {
        /** Usage priced with no hold to bound it (a request that never held: nothing was dispatched). */
        public static Charge unheld(TokenUsage reported, Price price) {
            TokenUsage bounded = reported.bounded();
            Money priced = CostCalculator.costOrMax(price, bounded);
            return new Charge(bounded, priced, false, priced);
        }
    }

    /**
     * @param inputBound    cheap upper bound of input tokens
     * @param tightInput    tokenizer estimate of input tokens (called only when needed)
     * @param outputCap     the most output tokens the provider may produce for one answer
     * @param answers       how many answers it produces ({@code n}); the hold covers them all
     * @param capAdjustable false when the output is fixed (image generation: by size and quality): the cap is then
     *                      never lowered and a balance that cannot cover it is refused
     */
    public Hold reserve(ApiKeyRecord key, Price price, long inputBound, LongSupplier tightInput, long outputCap, int answers,
                        boolean capAdjustable) {
        requireRecordable();
        String consumerId = key.consumerId();
        Instant now = clock.instant();
        Optional<String> budgetKey = key.budgeted() ? Optional.of(key.id()) : Optional.empty();
        long periodStart = key.settings().periodStart(now);
        Price held = price.withDearestInput();
        TokenUsage bound = new TokenUsage(inputBound, Math.multiplyExact(outputCap, answers), 0, 0);
        Money worst = CostCalculator.costOrMax(held, bound);
        Reservation first = reservation(consumerId, worst, budgetKey, periodStart);
        // a worst case beyond 64 bits cannot be held as it is: the balance decides below
        if (worst.nanos() < Long.MAX_VALUE && store.reserve(first, worst)) {
            return new Hold(first, Optional.empty(), worst, bound);
        }
        long input = tightInput.getAsLong();
        for (int attempt = 0; attempt < RACE_RETRIES; attempt++) {
            ConsumerRecord c = store.consumer(consumerId).orElseThrow(() -> exhausted());
            Money consumerAvailable = c.available();
            Optional<Money> keyAvailable = budgetKey.flatMap(store::keySpend).map(k -> key.settings().budget().orElseThrow()
                    .minus(k.spentIn(periodStart)).minus(k.reserved()));
            boolean keyBinds = keyAvailable.isPresent() && keyAvailable.get().compareTo(consumerAvailable) < 0;
            Money available = keyBinds ? keyAvailable.get() : consumerAvailable;
            java.util.function.Supplier<ApiException> refusal = keyBinds ? () -> keyBudgetSpent(key, now) : QuotaLedger::exhausted;
            if (!available.isPositive()) {
                throw refusal.get();
            }
            TokenUsage covered = new TokenUsage(input, Math.multiplyExact(outputCap, answers), 0, 0);
            Money tight = CostCalculator.costOrMax(held, covered);
            Optional<Long> lowered = Optional.empty();
            Money amount = tight;
            Money mustRemain = tight;
            Money ceiling = tight;
            if (available.compareTo(tight) < 0) {
                OverflowPolicy effective = !capAdjustable && policy == OverflowPolicy.CAP_OUTPUT ? OverflowPolicy.REJECT : policy;
                switch (effective) {
                    case REJECT -> throw refusal.get();
                    case CAP_OUTPUT -> {
                        Money inputCost = CostCalculator.cost(held, new TokenUsage(input, 0, 0, 0));
                        long affordable = CostCalculator.affordableOutputTokens(held, available, inputCost) / answers;
                        if (affordable < 1) {
                            throw refusal.get();
                        }
                        lowered = Optional.of(Math.min(affordable, outputCap));
                        covered = new TokenUsage(input, lowered.get() * answers, 0, 0);
                        amount = CostCalculator.cost(held, covered);
                        mustRemain = amount;
                        ceiling = amount;
                    }
                    case CHECK_ONLY -> {
                        amount = available;
                        mustRemain = new Money(1); // the ceiling stays the worst case: the policy's overspend
                    }
                }
            }
            Reservation r = reservation(consumerId, amount, budgetKey, periodStart);
            if (store.reserve(r, mustRemain)) {
                return new Hold(r, lowered, ceiling, covered);
            }
        }
        throw exhausted();
    }

    private Reservation reservation(String consumerId, Money amount, Optional<String> keyId, long periodStart) {
        return new Reservation(io.hpp.router.common.Ids.uuid(), consumerId, amount, clock.instant().plus(holdLifetime), keyId, periodStart);
    }

    /** 429 {@code key_budget_exceeded}: the key's budget, not its consumer's balance, is what ran out; when it resets. */
    private static ApiException keyBudgetSpent(ApiKeyRecord key, Instant now) {
        io.hpp.router.store.KeySettings s = key.settings();
        String budget = "$" + s.budget().orElseThrow().dollars().toPlainString() + s.budgetPeriod().map(p -> " " + p.wire()).orElse("");
        String reset = s.resetsAt(now).map(t -> "; it resets at " + t).orElse("; the operator can raise it");
        return new ApiException(429, "key_budget_exceeded", "This API key's budget (" + budget + ") is spent, or held by its requests in flight"
                + reset + ". The consumer's balance is not what ran out");
    }

    private static ApiException exhausted() {
        return new ApiException(429, "quota_exceeded", "Quota exceeded: top up the consumer's balance to continue");
    }
}
