package io.hpp.router.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.app.App;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every Store must do, whatever its database. Subclasses give the database. */
abstract class StoreContract {
    Store store;

    abstract String jdbcUrl();

    @BeforeEach
    void open() {
        store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", jdbcUrl())));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Reservation hold(String consumer, String dollars, Instant expires) {
        return new Reservation(UUID.randomUUID().toString(), consumer, Money.ofDollars(dollars), expires);
    }

    private static Settlement settle(Reservation r, String cost) {
        RequestLogEntry e = new RequestLogEntry(UUID.randomUUID().toString(), r.consumerId(), "k1", "openai/gpt-5",
                Optional.of("openai/gpt-5"), Optional.of("complex"), Optional.of("complex-t2"), Optional.of(3L), Optional.of("T2"),
                new TokenUsage(10, 5, 2, 3), Money.ofDollars(cost), 200, Optional.empty(), true, 12, Optional.of(4L), Instant.now(),
                new RequestLogEntry.Meta("req-" + UUID.randomUUID(), "chat", Optional.of(9L), Optional.of(Money.ofDollars(cost).plus(Money.ofDollars("1")))));
        return new Settlement(Optional.of(r), e);
    }

    private static RequestLogEntry withCost(RequestLogEntry e, Money cost) {
        return new RequestLogEntry(e.id(), e.consumerId(), e.keyId(), e.requestedModel(), e.resolvedModel(), e.basket(), e.ruleId(),
                e.rulesVersion(), e.tier(), e.usage(), cost, e.status(), e.errorCode(), e.streamed(), e.latencyMs(), e.ttftMs(),
                e.createdAt(), e.meta());
    }

    @Test
    void seedsTheDefaultCatalogOnceAndUpsertsModels() {
        assertThat(store.models()).extracting(Model::id).contains("openai/gpt-5", "gpt-image-1");
        assertThat(store.seedModels(List.of())).isFalse();
        Model m = store.models().stream().filter(x -> x.id().equals("openai/gpt-5")).findFirst().orElseThrow();
        store.upsertModel(new Model(m.id(), m.provider(), "gpt-5-2025", m.ownedBy(), m.price(), m.maxOutputTokens(), false, m.kind(),
                List.of("openai/gpt-4o")));
        Model after = store.models().stream().filter(x -> x.id().equals("openai/gpt-5")).findFirst().orElseThrow();
        assertThat(after.upstreamModel()).isEqualTo("gpt-5-2025");
        assertThat(after.enabled()).isFalse();
        assertThat(after.price()).isEqualTo(m.price());
        assertThat(after.fallbacks()).containsExactly("openai/gpt-4o");
    }

    @Test
    void modelsKeepTheirDeploymentsAndTheLogNamesTheOneThatServed() {
        Model m = Model.deployed("test/duo", List.of(new Model.Deployment("openai", "gpt-5", 2), new Model.Deployment("openai-eu", "gpt-5", 1)),
                "openai", io.hpp.router.value.Price.of("1", "2"), Optional.empty(), true, Model.Kind.CHAT, List.of());
        store.upsertModel(m);
        assertThat(store.models().stream().filter(x -> x.id().equals("test/duo")).findFirst()).contains(m);
        Model single = new Model("test/duo", "openai", "gpt-5", "openai", m.price(), Optional.empty(), true, Model.Kind.CHAT, List.of());
        store.upsertModel(single);
        Model back = store.models().stream().filter(x -> x.id().equals("test/duo")).findFirst().orElseThrow();
        assertThat(back.deployments()).containsExactly(new Model.Deployment("openai", "gpt-5", 1));

        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("5"));
        Reservation r = hold(c.id(), "1", Instant.now().plusSeconds(60));
        assertThat(store.reserve(r, r.amount())).isTrue();
        Settlement s = settle(r, "0.25");
        RequestLogEntry e = s.entry();
        RequestLogEntry named = new RequestLogEntry(e.id(), e.consumerId(), e.keyId(), e.requestedModel(), e.resolvedModel(), e.basket(),
                e.ruleId(), e.rulesVersion(), e.tier(), e.usage(), e.cost(), e.status(), e.errorCode(), e.streamed(), e.latencyMs(),
                e.ttftMs(), e.createdAt(), e.meta().withDeployment(Optional.of("openai-eu:gpt-5")));
        store.settle(List.of(new Settlement(s.reservation(), named)));
        assertThat(store.requestLog(c.id(), 10).getFirst().meta().deployment()).contains("openai-eu:gpt-5");
    }

    @Test
    void reserveHoldsOnlyWhatTheBalanceCoversAtomically() throws Exception {
        ConsumerRecord c = store.createConsumer(Optional.of("u"), Optional.of("cid-" + UUID.randomUUID()), Money.ofDollars("1"));
        List<Callable<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tries.add(() -> store.reserve(hold(c.id(), "0.1", Instant.now().plusSeconds(60)), Money.ofDollars("0.1")));
        }
        int granted = 0;
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (Future<Boolean> f : pool.invokeAll(tries)) {
                granted += f.get() ? 1 : 0;
            }
        }
        assertThat(granted).isEqualTo(10);
        assertThat(store.consumer(c.id()).orElseThrow().reserved()).isEqualTo(Money.ofDollars("1"));
        assertThat(store.consumer(c.id()).orElseThrow().available()).isEqualTo(Money.ZERO);
    }

    @Test
    void holdsRacingSettlementsNeverAdmitMoreThanTheBalance() throws Exception {
        // every hold is charged in full and released by its settlement while other threads are taking holds: a hold
        // check that saw a released hold but not its charge would admit an eleventh $0.1 and push used past $1
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("1"));
        store.createKey(new ApiKeyRecord("k1", c.id(), new byte[32], Optional.empty(), Instant.now(), Optional.empty()));
        java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
        List<Callable<Void>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            workers.add(() -> {
                for (int i = 0; i < 25; i++) {
                    Reservation r = hold(c.id(), "0.1", Instant.now().plusSeconds(60));
                    if (store.reserve(r, r.amount())) {
                        granted.incrementAndGet();
                        store.settle(List.of(settle(r, "0.1")));
                    }
                }
                return null;
            });
        }
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Future<Void> f : pool.invokeAll(workers)) {
                f.get();
            }
        }
        ConsumerRecord after = store.consumer(c.id()).orElseThrow();
        assertThat(granted.get()).isEqualTo(10);
        assertThat(after.used()).isEqualTo(Money.ofDollars("1"));
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
        assertThat(store.requestLog(c.id(), 100)).hasSize(10);
    }

    @Test
    void holdsSeeEachChargeAndEachQuotaChangeAtOnce() {
        // holds on SQLite remember the balance they read: a settlement and an admin change must each make the next
        // hold read again
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("1"));
        store.createKey(new ApiKeyRecord("k1", c.id(), new byte[32], Optional.empty(), Instant.now(), Optional.empty()));
        Reservation first = hold(c.id(), "0.6", Instant.now().plusSeconds(60));
        assertThat(store.reserve(first, first.amount())).isTrue();
        store.settle(List.of(settle(first, "0.6")));
        Reservation tooBig = hold(c.id(), "0.5", Instant.now().plusSeconds(60));
        assertThat(store.reserve(tooBig, tooBig.amount())).as("0.4 left after the charge").isFalse();
        store.addQuota(c.id(), Money.ofDollars("0.1"));
        Reservation fits = hold(c.id(), "0.5", Instant.now().plusSeconds(60));
        assertThat(store.reserve(fits, fits.amount())).as("0.5 left after the top-up").isTrue();
        store.settle(List.of(settle(fits, "0")));
        store.setQuota(c.id(), Money.ofDollars("0.6"));
        Reservation none = hold(c.id(), "0.01", Instant.now().plusSeconds(60));
        assertThat(store.reserve(none, none.amount())).as("nothing left after lowering the quota to what was used").isFalse();
    }

    @Test
    void settlementChargesReleasesAndLogsInOneStep() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("5"));
        store.createKey(new ApiKeyRecord("k1", c.id(), new byte[32], Optional.empty(), Instant.now(), Optional.empty()));
        Reservation r1 = hold(c.id(), "1", Instant.now().plusSeconds(60));
        Reservation r2 = hold(c.id(), "2", Instant.now().plusSeconds(60));
        assertThat(store.reserve(r1, r1.amount())).isTrue();
        assertThat(store.reserve(r2, r2.amount())).isTrue();
        store.settle(List.of(settle(r1, "0.25"), settle(r2, "0.5")));
        ConsumerRecord after = store.consumer(c.id()).orElseThrow();
        assertThat(after.used()).isEqualTo(Money.ofDollars("0.75"));
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
        assertThat(after.requests()).isEqualTo(2);
        assertThat(after.totalTokens()).isEqualTo(40);
        List<RequestLogEntry> log = store.requestLog(c.id(), 10);
        assertThat(log).hasSize(2);
        RequestLogEntry row = log.getFirst();
        assertThat(row.usage()).isEqualTo(new TokenUsage(10, 5, 2, 3));
        assertThat(row.tier()).contains("T2");
        assertThat(row.rulesVersion()).contains(3L);
        assertThat(row.ttftMs()).contains(4L);
    }

    @Test
    void aFailedSettlementBatchChangesNothing() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("5"));
        Reservation r = hold(c.id(), "1", Instant.now().plusSeconds(60));
        store.reserve(r, r.amount());
        Settlement ok = settle(r, "0.25");
        // another consumer's charge in the same batch that would pass the range of its totals fails the whole batch
        ConsumerRecord rich = store.createConsumer(Optional.empty(), Optional.empty(), new Money(Long.MAX_VALUE));
        store.settle(List.of(new Settlement(Optional.empty(), withCost(settle(hold(rich.id(), "0", Instant.now()), "0").entry(),
                new Money(Long.MAX_VALUE - 10)))));
        Settlement overflowing = new Settlement(Optional.empty(), withCost(settle(hold(rich.id(), "0", Instant.now()), "0").entry(),
                new Money(100)));
        assertThatThrownBy(() -> store.settle(List.of(ok, overflowing))).isInstanceOf(StoreException.class);
        ConsumerRecord after = store.consumer(c.id()).orElseThrow();
        assertThat(after.used()).isEqualTo(Money.ZERO);
        assertThat(after.reserved()).isEqualTo(Money.ofDollars("1"));
        assertThat(store.requestLog(c.id(), 10)).isEmpty();
    }

    private static Settlement charge(String consumerId, Money cost) {
        RequestLogEntry e = new RequestLogEntry(UUID.randomUUID().toString(), consumerId, "k1", "openai/gpt-5", Optional.of("openai/gpt-5"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), new TokenUsage(1, 1, 0, 0), cost, 200,
                Optional.empty(), false, 1, Optional.empty(), Instant.now(), RequestLogEntry.Meta.of("req-" + UUID.randomUUID(), "chat"));
        return new Settlement(Optional.empty(), e);
    }

    @Test
    void settlementSumsThatWouldOverflowAreRefusedAndChangeNothing() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), new Money(Long.MAX_VALUE));
        Money half = new Money(Long.MAX_VALUE / 2 + 1);
        assertThatThrownBy(() -> store.settle(List.of(charge(c.id(), half), charge(c.id(), half))))
                .isInstanceOf(StoreException.class).hasMessageContaining("overflow");
        ConsumerRecord after = store.consumer(c.id()).orElseThrow();
        assertThat(after.used()).isEqualTo(Money.ZERO);
        assertThat(after.requests()).isZero();
        assertThat(store.requestLog(c.id(), 10)).isEmpty();
    }

    @Test
    void aChargePastTheLargestBalanceIsRefusedNotWrapped() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), new Money(Long.MAX_VALUE));
        store.settle(List.of(charge(c.id(), new Money(Long.MAX_VALUE - 10))));
        assertThatThrownBy(() -> store.settle(List.of(charge(c.id(), new Money(100))))).isInstanceOf(StoreException.class);
        ConsumerRecord after = store.consumer(c.id()).orElseThrow();
        assertThat(after.used()).isEqualTo(new Money(Long.MAX_VALUE - 10));
        assertThat(after.requests()).isEqualTo(1);
        assertThat(store.requestLog(c.id(), 10)).hasSize(1);
    }

    @Test
    void expiredHoldsAreReleasedOnceAndSettlingThemLaterReleasesNothingTwice() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("5"));
        Reservation old = hold(c.id(), "2", Instant.now().minusSeconds(1));
        Reservation live = hold(c.id(), "1", Instant.now().plusSeconds(600));
        store.reserve(old, old.amount());
        store.reserve(live, live.amount());
        assertThat(store.releaseExpired(Instant.now())).isEqualTo(1);
        assertThat(store.releaseExpired(Instant.now())).isZero();
        assertThat(store.consumer(c.id()).orElseThrow().reserved()).isEqualTo(Money.ofDollars("1"));
        store.settle(List.of(settle(old, "0.1")));
        ConsumerRecord after = store.consumer(c.id()).orElseThrow();
        assertThat(after.reserved()).isEqualTo(Money.ofDollars("1"));
        assertThat(after.used()).isEqualTo(Money.ofDollars("0.1"));
    }

    @Test
    void rulesetsAreVersionedWithExactlyOneActive() {
        int before = store.rulesets().size();
        RulesetRecord a = store.publishRuleset("{\"a\":1}", "t");
        RulesetRecord b = store.publishRuleset("{\"b\":2}", "t");
        assertThat(b.version()).isEqualTo(a.version() + 1);
        assertThat(store.activeRuleset().orElseThrow().version()).isEqualTo(b.version());
        assertThat(store.activateRuleset(a.version())).isTrue();
        assertThat(store.activeRuleset().orElseThrow().body()).isEqualTo("{\"a\":1}");
        assertThat(store.activateRuleset(9_999)).isFalse();
        assertThat(store.rulesets()).hasSize(before + 2).filteredOn(RulesetRecord::active).hasSize(1);
    }

    @Test
    void keysAreRevokedOnceAndQuotaChangesApply() {
        ConsumerRecord c = store.createConsumer(Optional.of("x"), Optional.of("ext-" + UUID.randomUUID()), Money.ofDollars("1"));
        store.createKey(new ApiKeyRecord("kk", c.id(), new byte[] {1, 2}, Optional.of("n"), Instant.now(), Optional.empty()));
        assertThat(store.key("kk").orElseThrow().secretHash()).containsExactly(1, 2);
        assertThat(store.revokeKey("kk", Instant.now())).isTrue();
        assertThat(store.revokeKey("kk", Instant.now())).isFalse();
        assertThat(store.key("kk").orElseThrow().revoked()).isTrue();
        assertThat(store.addQuota(c.id(), Money.ofDollars("2.5")).orElseThrow().quota()).isEqualTo(Money.ofDollars("3.5"));
        assertThat(store.setQuota(c.id(), Money.ofDollars("0.1")).orElseThrow().quota()).isEqualTo(Money.ofDollars("0.1"));
        assertThat(store.consumerByCustomId(c.customId().orElseThrow())).isPresent();
    }

    @Test
    void keptResponsesAreTheirOwnersUntilTheyExpireAndTheSweeperDeletesTheExpired() {
        String owner = store.createConsumer(Optional.of("owner"), Optional.empty(), Money.ofDollars("1")).id();
        String other = store.createConsumer(Optional.of("other"), Optional.empty(), Money.ofDollars("1")).id();
        long now = 1_800_000_000_000L;
        store.storeResponse(new StoredResponse("resp_live", owner, now, now + 1_000, "[{\"role\":\"user\",\"content\":\"hi\\u0000\"}]",
                "{\"id\":\"resp_live\"}"));
        store.storeResponse(new StoredResponse("resp_old", owner, now - 10_000, now - 1, "[]", "{\"id\":\"resp_old\"}"));
        store.storeResponse(new StoredResponse("resp_live", other, now, now + 1_000, "[]", "{\"id\":\"taken\"}")); // an id once

        StoredResponse live = store.storedResponse("resp_live", owner, now).orElseThrow();
        assertThat(live.input()).contains("\\u0000"); // an escaped NUL, which PostgreSQL text takes
        assertThat(live.response()).isEqualTo("{\"id\":\"resp_live\"}");
        assertThat(store.storedResponse("resp_live", other, now)).as("another consumer's").isEmpty();
        assertThat(store.storedResponse("resp_old", owner, now)).as("expired, not yet swept").isEmpty();
        assertThat(store.storedResponse("resp_live", owner, now + 1_000)).as("expired at its expiry").isEmpty();

        assertThat(store.deleteExpiredResponses(now)).isEqualTo(1);
        assertThat(store.deleteExpiredResponses(now)).isZero();
        assertThat(store.deleteStoredResponse("resp_live", other)).isFalse();
        assertThat(store.deleteStoredResponse("resp_live", owner)).isTrue();
        assertThat(store.storedResponse("resp_live", owner, now)).isEmpty();
    }

    private static final long DAY = 86_400_000L;

    private ApiKeyRecord budgetedKey(ConsumerRecord c, String budget, Optional<BudgetPeriod> period) {
        ApiKeyRecord k = new ApiKeyRecord("kb-" + UUID.randomUUID(), c.id(), new byte[32], Optional.of("agent"), Instant.now(), Optional.empty(),
                new KeySettings(Optional.empty(), Optional.of(Money.ofDollars(budget)), period, List.of(), ConsumerRecord.RateLimits.NONE, false,
                        Optional.empty()), Optional.empty(), Optional.empty());
        store.createKey(k);
        return k;
    }

    private static Reservation keyHold(ApiKeyRecord k, String dollars, long periodStart) {
        return new Reservation(UUID.randomUUID().toString(), k.consumerId(), Money.ofDollars(dollars), Instant.now().plusSeconds(60),
                Optional.of(k.id()), periodStart);
    }

    /** A settlement of the key's request that ended at {@code endedAt}, counted in the key's period starting at {@code periodStart}. */
    private static Settlement keySettle(ApiKeyRecord k, Optional<Reservation> r, String cost, long endedAt, long periodStart) {
        RequestLogEntry e = new RequestLogEntry(UUID.randomUUID().toString(), k.consumerId(), k.id(), "openai/gpt-5",
                Optional.of("openai/gpt-5"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                new TokenUsage(10, 5, 0, 0), Money.ofDollars(cost), 200, Optional.empty(), false, 12, Optional.empty(),
                Instant.ofEpochMilli(endedAt), RequestLogEntry.Meta.of("req-" + UUID.randomUUID(), "chat"));
        return new Settlement(r, e, Optional.empty(), Optional.empty(), periodStart);
    }

    @Test
    void aKeyHoldNeedsBothTheKeysBudgetAndTheBalanceAtTheirBoundaries() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("10"));
        ApiKeyRecord k = budgetedKey(c, "1", Optional.empty());
        Reservation above = keyHold(k, "1.000000001", 0);
        assertThat(store.reserve(above, above.amount())).as("a nano-dollar above the budget").isFalse();
        assertThat(store.consumer(c.id()).orElseThrow().reserved()).as("the refused key hold left the balance untouched").isEqualTo(Money.ZERO);
        Reservation at = keyHold(k, "1", 0);
        assertThat(store.reserve(at, at.amount())).as("exactly the budget").isTrue();
        Reservation more = keyHold(k, "0.000000001", 0);
        assertThat(store.reserve(more, more.amount())).as("nothing left once the budget is held").isFalse();
        assertThat(store.keySpend(k.id()).orElseThrow().reserved()).isEqualTo(Money.ofDollars("1"));
        assertThat(store.consumer(c.id()).orElseThrow().reserved()).isEqualTo(Money.ofDollars("1"));
        // a hold without the key still has the consumer's balance: the key's budget binds only its own requests
        Reservation plain = hold(c.id(), "9", Instant.now().plusSeconds(60));
        assertThat(store.reserve(plain, plain.amount())).isTrue();
        store.settle(List.of(keySettle(k, Optional.of(at), "0.4", System.currentTimeMillis(), 0)));
        KeySpend spend = store.keySpend(k.id()).orElseThrow();
        assertThat(spend.spent()).isEqualTo(Money.ofDollars("0.4"));
        assertThat(spend.reserved()).isEqualTo(Money.ZERO);
        assertThat(spend.requests()).isEqualTo(1);
        Reservation over = keyHold(k, "0.6", 0);
        assertThat(store.reserve(over, Money.ofDollars("0.600000001"))).as("a nano-dollar more than the $0.6 left").isFalse();
        Reservation below = keyHold(k, "0.599999999", 0);
        assertThat(store.reserve(below, below.amount())).as("a nano-dollar less than what is left").isTrue();
        assertThat(store.keySpend(k.id()).orElseThrow().reserved()).isEqualTo(Money.ofDollars("0.599999999"));
    }

    @Test
    void aKeysBalanceRefusalHoldsNothingOnTheKey() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("0.5"));
        ApiKeyRecord k = budgetedKey(c, "1", Optional.empty());
        Reservation r = keyHold(k, "0.6", 0);
        assertThat(store.reserve(r, r.amount())).as("the balance, not the budget, refuses").isFalse();
        assertThat(store.keySpend(k.id()).orElseThrow().reserved()).isEqualTo(Money.ZERO);
        assertThat(store.consumer(c.id()).orElseThrow().reserved()).isEqualTo(Money.ZERO);
    }

    @Test
    void aKeysSpendResetsWhenItsPeriodTurnsAndLateSettlementsStayInTheirPeriod() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("10"));
        ApiKeyRecord k = budgetedKey(c, "1", Optional.of(BudgetPeriod.DAILY));
        long day1 = BudgetPeriod.DAILY.start(Instant.now()).toEpochMilli();
        long day2 = day1 + DAY;
        Reservation r1 = keyHold(k, "1", day1);
        assertThat(store.reserve(r1, r1.amount())).isTrue();
        store.settle(List.of(keySettle(k, Optional.of(r1), "0.9", day1 + 1_000, day1)));
        Reservation tooMuch = keyHold(k, "0.2", day1);
        assertThat(store.reserve(tooMuch, tooMuch.amount())).as("day 1: $0.1 left").isFalse();
        // the next day (an injected time: no sleeping) the day's spend starts from nothing
        Reservation r2 = keyHold(k, "1", day2);
        assertThat(store.reserve(r2, r2.amount())).as("day 2: the whole budget again").isTrue();
        store.settle(List.of(keySettle(k, Optional.of(r2), "0.3", day2 + 5_000, day2),
                keySettle(k, Optional.empty(), "0.05", day1 + 2_000, day1)));
        KeySpend spend = store.keySpend(k.id()).orElseThrow();
        assertThat(spend.periodStart()).isEqualTo(day2);
        assertThat(spend.spent()).as("day 2's spend only; a late day-1 settlement stays in day 1").isEqualTo(Money.ofDollars("0.3"));
        assertThat(spend.spentIn(day2 + DAY)).as("a later period has spent nothing yet").isEqualTo(Money.ZERO);
        assertThat(spend.totalSpent()).isEqualTo(Money.ofDollars("1.25"));
        assertThat(spend.requests()).isEqualTo(3);
        assertThat(spend.reserved()).isEqualTo(Money.ZERO);
        assertThat(store.consumer(c.id()).orElseThrow().used()).isEqualTo(Money.ofDollars("1.25"));
    }

    @Test
    void changingABudgetPeriodCountsTheNewPeriodsSpendFromTheLog() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("10"));
        ApiKeyRecord k = budgetedKey(c, "5", Optional.empty());
        Instant now = Instant.now();
        long today = BudgetPeriod.DAILY.start(now).toEpochMilli();
        store.settle(List.of(keySettle(k, Optional.empty(), "2", today - 1_000, 0), keySettle(k, Optional.empty(), "0.5", today + 1, 0)));
        assertThat(store.keySpend(k.id()).orElseThrow().spent()).isEqualTo(Money.ofDollars("2.5"));
        KeySettings daily = new KeySettings(Optional.empty(), Optional.of(Money.ofDollars("5")), Optional.of(BudgetPeriod.DAILY), List.of("openai/*"),
                new ConsumerRecord.RateLimits(Optional.of(5L), Optional.empty()), false, Optional.of("{\"team\":\"ci\"}"));
        ApiKeyRecord updated = store.updateKey(k.id(), Optional.of("renamed"), daily, now).orElseThrow();
        assertThat(updated.settings()).isEqualTo(daily);
        assertThat(updated.name()).contains("renamed");
        KeySpend spend = store.keySpend(k.id()).orElseThrow();
        assertThat(spend.periodStart()).isEqualTo(today);
        assertThat(spend.spent()).as("only today's request counts in today's period").isEqualTo(Money.ofDollars("0.5"));
        assertThat(spend.totalSpent()).isEqualTo(Money.ofDollars("2.5"));
        assertThat(store.updateKey("no-such-key", Optional.empty(), daily, now)).isEmpty();
        assertThat(store.keys(c.id())).extracting(ApiKeyRecord::id).containsExactly(k.id());
        assertThat(store.keySpends(c.id())).containsOnlyKeys(k.id());
    }

    @Test
    void aRotatedKeyKeepsItsPreviousSecretOnlyForItsGrace() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("1"));
        ApiKeyRecord k = budgetedKey(c, "1", Optional.empty());
        Instant until = Instant.now().plusSeconds(30);
        assertThat(store.rotateKey(k.id(), new byte[] {1, 2, 3}, Optional.of(until))).isTrue();
        ApiKeyRecord rotated = store.key(k.id()).orElseThrow();
        assertThat(rotated.secretHash()).containsExactly(1, 2, 3);
        assertThat(rotated.previousHash().orElseThrow()).containsExactly(new byte[32]);
        assertThat(rotated.previousUntil()).contains(Instant.ofEpochMilli(until.toEpochMilli()));
        assertThat(rotated.settings()).isEqualTo(k.settings());
        assertThat(store.rotateKey(k.id(), new byte[] {4}, Optional.empty())).isTrue();
        assertThat(store.key(k.id()).orElseThrow().previousHash()).as("no grace: the old secret stops at once").isEmpty();
        store.revokeKey(k.id(), Instant.now());
        assertThat(store.rotateKey(k.id(), new byte[] {5}, Optional.empty())).as("a revoked key stays revoked").isFalse();
    }

    @Test
    void anExpiredKeyHoldReleasesTheKeyToo() {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("1"));
        ApiKeyRecord k = budgetedKey(c, "1", Optional.empty());
        Reservation r = new Reservation(UUID.randomUUID().toString(), c.id(), Money.ofDollars("0.7"), Instant.now().minusSeconds(1),
                Optional.of(k.id()), 0);
        assertThat(store.reserve(r, r.amount())).isTrue();
        assertThat(store.releaseExpired(Instant.now())).isEqualTo(1);
        assertThat(store.keySpend(k.id()).orElseThrow().reserved()).isEqualTo(Money.ZERO);
        assertThat(store.consumer(c.id()).orElseThrow().reserved()).isEqualTo(Money.ZERO);
    }
}
