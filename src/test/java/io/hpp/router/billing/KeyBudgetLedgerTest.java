package io.hpp.router.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.app.App;
import io.hpp.router.common.ApiException;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.config.RouterConfig.OverflowPolicy;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.BudgetPeriod;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.KeySettings;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import io.hpp.router.value.Money;
import io.hpp.router.value.Price;
import io.hpp.router.value.TokenUsage;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ledger's holds on a key with a daily budget, across the day's turn, on an injected clock: no sleeping. */
class KeyBudgetLedgerTest {
    /** $1 per 1M input and output tokens: 1,000 tokens cost $0.001. */
    private static final Price PRICE = new Price(new java.math.BigDecimal("1"), new java.math.BigDecimal("1"), Optional.empty(), Optional.empty());
    private static final Instant DAY1_NOON = Instant.parse("2026-12-07T12:00:00Z");
    private static final Instant DAY1_LAST = Instant.parse("2026-12-07T23:59:59.999Z");
    private static final Instant DAY2 = Instant.parse("2026-12-08T00:00:00Z");

    private Store store;
    private ApiKeyRecord key;

    @BeforeEach
    void open() throws Exception {
        store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL",
                "jdbc:sqlite:" + Files.createTempDirectory("key-ledger").resolve("k.db"))));
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("10"));
        key = new ApiKeyRecord("kday", c.id(), new byte[32], Optional.empty(), DAY1_NOON, Optional.empty(),
                new KeySettings(Optional.empty(), Optional.of(Money.ofDollars("0.01")), Optional.of(BudgetPeriod.DAILY), List.of(),
                        ConsumerRecord.RateLimits.NONE, false, Optional.empty()), Optional.empty(), Optional.empty());
        store.createKey(key);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private QuotaLedger ledger(Instant now, OverflowPolicy policy) {
        return new QuotaLedger(store, policy, Duration.ofMinutes(5), null, endpoint -> { }, Clock.fixed(now, ZoneOffset.UTC));
    }

    /** Spends {@code dollars} of the key's budget in a request that ended at {@code at}. */
    private void spent(String dollars, Instant at) {
        RequestLogEntry e = new RequestLogEntry(UUID.randomUUID().toString(), key.consumerId(), key.id(), "m", Optional.of("m"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), new TokenUsage(1, 1, 0, 0), Money.ofDollars(dollars),
                200, Optional.empty(), false, 1, Optional.empty(), at, RequestLogEntry.Meta.of("r", "chat"));
        store.settle(List.of(new Settlement(Optional.empty(), e, Optional.empty(), Optional.empty(), key.settings().periodStart(at))));
    }

    @Test
    void aSpentDayRefusesUntilItsLastMillisecondAndTheNextDayHoldsAgain() {
        spent("0.0095", DAY1_NOON);
        // 1,000 input tokens and 1,000 output: $0.002 worst case, beyond the $0.0005 left
        assertThatThrownBy(() -> ledger(DAY1_LAST, OverflowPolicy.REJECT).reserve(key, PRICE, 1_000, () -> 1_000, 1_000, 1, true))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("key_budget_exceeded");
                    assertThat(e.getMessage()).contains("$0.01 daily", "resets at " + DAY2);
                });
        QuotaLedger.Hold next = ledger(DAY2, OverflowPolicy.REJECT).reserve(key, PRICE, 1_000, () -> 1_000, 1_000, 1, true);
        assertThat(next.ceiling()).isEqualTo(Money.ofDollars("0.002"));
        assertThat(next.reservation().keyId()).contains("kday");
        assertThat(next.reservation().periodStart()).isEqualTo(DAY2.toEpochMilli());
    }

    @Test
    void capOutputLowersTheCapToTheKeysBudgetWhenItBindsBeforeTheBalance() {
        spent("0.0095", DAY1_NOON);
        QuotaLedger.Hold h = ledger(DAY1_NOON, OverflowPolicy.CAP_OUTPUT).reserve(key, PRICE, 100, () -> 100, 1_000, 1, true);
        // $0.0005 left: 100 input tokens ($0.0001) and 400 output tokens
        assertThat(h.loweredOutputCap()).contains(400L);
        assertThat(h.ceiling()).isEqualTo(Money.ofDollars("0.0005"));
        assertThatThrownBy(() -> ledger(DAY1_NOON, OverflowPolicy.CAP_OUTPUT).reserve(key, PRICE, 100, () -> 100, 1_000, 1, true))
                .as("nothing left once that is held").isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("key_budget_exceeded"));
    }

    @Test
    void theBalanceStillRefusesAsTheConsumersWhenItIsWhatRanOut() {
        store.setQuota(key.consumerId(), Money.ofDollars("0.001"));
        assertThatThrownBy(() -> ledger(DAY1_NOON, OverflowPolicy.REJECT).reserve(key, PRICE, 1_000, () -> 1_000, 1_000, 1, true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("quota_exceeded"));
    }
}
