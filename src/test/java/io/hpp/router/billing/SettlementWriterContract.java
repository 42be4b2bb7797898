package io.hpp.router.billing;

import io.hpp.router.observe.Metrics;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.app.App;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Reservation;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import io.hpp.router.store.StoreException;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request-log writer over a real database: one settlement the database refuses never holds up the others, money
 * lands whenever it can, and what cannot land is set aside for an operator instead of being retried forever or
 * dropped. Subclasses give the database.
 */
abstract class SettlementWriterContract {
    Store store;
    Path dir;
    Metrics metrics;
    SettlementWriter writer;

    abstract String jdbcUrl();

    @BeforeEach
    void open() throws IOException {
        store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", jdbcUrl())));
        dir = Files.createTempDirectory("writer-contract");
        metrics = new Metrics(false);
    }

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
        store.close();
    }

    SettlementWriter writer(Store s) {
        return new SettlementWriter(s, batch -> { }, metrics, model -> "openai", new SetAsideFile(setAsideFile()));
    }

    Path setAsideFile() {
        return dir.resolve("settlements-set-aside.jsonl");
    }

    ConsumerRecord consumer(String quota) {
        ConsumerRecord c = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars(quota));
        store.createKey(new ApiKeyRecord("k-" + c.id(), c.id(), new byte[32], Optional.empty(), Instant.now(), Optional.empty()));
        return c;
    }

    /** A settlement of {@code cost} whose hold of $0.1 was taken. */
    Settlement held(ConsumerRecord c, String model, Money cost) {
        Reservation r = new Reservation(UUID.randomUUID().toString(), c.id(), Money.ofDollars("0.1"), Instant.now().plusSeconds(600));
        assertThat(store.reserve(r, Money.ZERO)).isTrue();
        return new Settlement(Optional.of(r), entry(UUID.randomUUID().toString(), c, model, cost));
    }

    static RequestLogEntry entry(String id, ConsumerRecord c, String model, Money cost) {
        return new RequestLogEntry(id, c.id(), "k-" + c.id(), model, Optional.of("openai/gpt-5"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), new TokenUsage(10, 5, 0, 0), cost, 400, Optional.of("invalid_request"), false, 3,
                Optional.empty(), Instant.now(), RequestLogEntry.Meta.of("req-" + UUID.randomUUID(), "chat"));
    }

    List<Settlement> good(ConsumerRecord c, int n) {
        List<Settlement> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(held(c, "openai/gpt-5", Money.ofDollars("0.01")));
        }
        return out;
    }

    long setAsideLines() throws IOException {
        return Files.exists(setAsideFile()) ? Files.readAllLines(setAsideFile()).stream().filter(l -> !l.isBlank()).count() : 0;
    }

    @Test
    void aRowTheDatabaseRejectsHoldsUpNoOtherRowAndIsStillCharged() throws Exception {
        ConsumerRecord attacker = consumer("5");
        ConsumerRecord other = consumer("5");
        writer = writer(store);
        Settlement hostile = held(attacker, "openai/gpt-5\u0000x", Money.ofDollars("0.02"));
        writer.submit(hostile);
        Thread.sleep(300);   // the hostile row alone in its batch: the hardest case to tell from a database that is away
        for (Settlement s : good(other, 20)) {
            writer.submit(s);
        }
        assertThat(writer.flush(20_000)).as("every settlement written").isTrue();
        ConsumerRecord o = store.consumer(other.id()).orElseThrow();
        assertThat(o.used()).isEqualTo(Money.ofDollars("0.2"));
        assertThat(o.reserved()).as("holds released").isEqualTo(Money.ZERO);
        ConsumerRecord a = store.consumer(attacker.id()).orElseThrow();
        assertThat(a.used()).as("the hostile request is charged too").isEqualTo(Money.ofDollars("0.02"));
        assertThat(a.reserved()).isEqualTo(Money.ZERO);
        List<RequestLogEntry> rows = store.requestLog(attacker.id(), 10);
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().requestedModel()).isIn("openai/gpt-5\u0000x", "openai/gpt-5\uFFFDx");
        assertThat(setAsideLines()).isZero();
    }

    @Test
    void aSettlementAppliedBeforeIsSkippedWholeWhileTheRestCommit() throws Exception {
        ConsumerRecord c = consumer("5");
        Settlement first = held(c, "openai/gpt-5", Money.ofDollars("0.1"));
        store.settle(List.of(first));
        writer = writer(store);
        // the same log row again (a journal replayed, an acknowledgement lost): applied once, never charged twice
        Settlement again = new Settlement(first.reservation(), first.entry());
        List<Settlement> rest = good(c, 10);
        writer.submit(rest.getFirst());
        writer.submit(again);
        rest.subList(1, rest.size()).forEach(writer::submit);
        assertThat(writer.flush(20_000)).as("every settlement written").isTrue();
        ConsumerRecord after = store.consumer(c.id()).orElseThrow();
        assertThat(after.used()).isEqualTo(Money.ofDollars("0.2"));
        assertThat(after.reserved()).isEqualTo(Money.ZERO);
        assertThat(after.requests()).isEqualTo(11);
        assertThat(store.requestLog(c.id(), 100)).hasSize(11);
        assertThat(setAsideLines()).isZero();
        assertThat(store.settle(List.of(first, again))).as("a batch applied twice changes nothing").isZero();
        assertThat(store.consumer(c.id()).orElseThrow().used()).isEqualTo(Money.ofDollars("0.2"));
    }

    @Test
    void aChargeThatWouldOverflowTheBalanceIsSetAsideNotWrapped() throws Exception {
        ConsumerRecord rich = consumer("0");
        store.setQuota(rich.id(), new Money(Long.MAX_VALUE));
        store.settle(List.of(new Settlement(Optional.empty(), entry(UUID.randomUUID().toString(), rich, "openai/gpt-5",
                new Money(Long.MAX_VALUE - 10)))));
        ConsumerRecord other = consumer("5");
        writer = writer(store);
        Settlement overflowing = new Settlement(Optional.empty(), entry(UUID.randomUUID().toString(), rich, "openai/gpt-5", new Money(100)));
        writer.submit(overflowing);
        good(other, 5).forEach(writer::submit);
        assertThat(writer.flush(20_000)).isTrue();
        assertThat(store.consumer(rich.id()).orElseThrow().used()).isEqualTo(new Money(Long.MAX_VALUE - 10));
        assertThat(store.consumer(other.id()).orElseThrow().used()).isEqualTo(Money.ofDollars("0.05"));
        assertThat(setAsideLines()).isEqualTo(1);
        assertThat(SetAsideFile.read(setAsideFile())).as("the line reads back as the settlement").containsExactly(overflowing);
        assertThat(metrics.scrape()).contains("hpp_settlements_set_aside_total 1.0");
    }

    @Test
    void theWriterSurvivesAnErrorThrownByTheStore() throws Exception {
        ConsumerRecord c = consumer("5");
        AtomicInteger errors = new AtomicInteger(1);
        writer = writer(flaky(store, () -> {
            if (errors.getAndDecrement() > 0) {
                throw new StackOverflowError("thrown by the test store");
            }
        }, () -> { }));
        writer.submit(held(c, "openai/gpt-5", Money.ofDollars("0.01")));
        Thread.sleep(300);
        good(c, 4).forEach(writer::submit);
        assertThat(writer.flush(20_000)).isTrue();
        assertThat(store.consumer(c.id()).orElseThrow().used()).isEqualTo(Money.ofDollars("0.05"));
        assertThat(setAsideLines()).isZero();
    }

    @Test
    void whileTheDatabaseIsAwayNothingIsSetAsideAndAllLandsWhenItReturns() throws Exception {
        ConsumerRecord c = consumer("5");
        AtomicBoolean down = new AtomicBoolean(true);
        Runnable fail = () -> {
            if (down.get()) {
                throw new StoreException("database transaction failed: connection refused", null);
            }
        };
        writer = writer(flaky(store, fail, fail));
        good(c, 10).forEach(writer::submit);
        Thread.sleep(1_000);
        assertThat(writer.flush(0)).isFalse();
        down.set(false);
        assertThat(writer.flush(20_000)).isTrue();
        assertThat(store.consumer(c.id()).orElseThrow().used()).isEqualTo(Money.ofDollars("0.1"));
        assertThat(setAsideLines()).isZero();
    }

    @Test
    void whileWritesFailButTheDatabaseAnswersNothingIsSetAsideUntilOtherRowsCommit() throws Exception {
        // a failover to a read-only replica, a full disk: every write fails though the database answers; no row is to
        // blame, so none is set aside, and all land once writes work again
        ConsumerRecord c = consumer("5");
        AtomicBoolean readOnly = new AtomicBoolean(true);
        writer = writer(flaky(store, () -> {
            if (readOnly.get()) {
                throw new StoreException("database transaction failed: cannot execute INSERT in a read-only transaction", null);
            }
        }, () -> { }));
        writer.submit(held(c, "openai/gpt-5", Money.ofDollars("0.01")));
        Thread.sleep(200);
        good(c, 9).forEach(writer::submit);
        Thread.sleep(2_000);
        assertThat(setAsideLines()).isZero();
        readOnly.set(false);
        assertThat(writer.flush(20_000)).isTrue();
        assertThat(store.consumer(c.id()).orElseThrow().used()).isEqualTo(Money.ofDollars("0.1"));
        assertThat(setAsideLines()).isZero();
    }

    @Test
    void atShutdownWithTheDatabaseAwaySettlementsAreSetAsideNotDropped() throws Exception {
        List<Settlement> three = setAsideAtShutdown(consumer("5"), 3);
        assertThat(SetAsideFile.read(setAsideFile())).containsExactlyInAnyOrderElementsOf(three);
    }

    /** {@code n} settlements of {@code c} submitted while the database refuses every write, then the writer closed. */
    private List<Settlement> setAsideAtShutdown(ConsumerRecord c, int n) throws Exception {
        Runnable fail = () -> {
            throw new StoreException("database transaction failed: connection refused", null);
        };
        writer = writer(flaky(store, fail, fail));
        List<Settlement> settlements = good(c, n);
        settlements.forEach(writer::submit);
        Thread.sleep(300);
        writer.close();
        writer = null;
        return settlements;
    }

    @Test
    void setAsideSettlementsReplayOnceTheDatabaseTakesThemAndNeverChargeTwice() throws Exception {
        ConsumerRecord c = consumer("5");
        List<Settlement> three = setAsideAtShutdown(c, 3);
        String lines = Files.readString(setAsideFile());
        Money before = store.consumer(c.id()).orElseThrow().used();

        SetAsideFile.Replay first = new SetAsideFile(setAsideFile()).replay(store);

        assertThat(first).isEqualTo(new SetAsideFile.Replay(3, 0, 0));
        Money charged = three.stream().map(t -> t.entry().cost()).reduce(Money.ZERO, Money::plus);
        assertThat(store.consumer(c.id()).orElseThrow().used()).isEqualTo(before.plus(charged));
        assertThat(store.requestLog(c.id(), 100)).hasSize(3);
        assertThat(setAsideLines()).isZero();
        // an operator replays an old copy of the file: every row is known by its id, nothing is charged again
        Files.writeString(setAsideFile(), lines);
        assertThat(new SetAsideFile(setAsideFile()).replay(store)).isEqualTo(new SetAsideFile.Replay(0, 3, 0));
        assertThat(store.consumer(c.id()).orElseThrow().used()).isEqualTo(before.plus(charged));
        assertThat(store.requestLog(c.id(), 100)).hasSize(3);
        assertThat(setAsideLines()).as("applied already: nothing left to replay").isZero();
    }

    /** {@code store}, whose settle first runs {@code beforeSettle} and whose ping first runs {@code beforePing}. */
    static Store flaky(Store store, Runnable beforeSettle, Runnable beforePing) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, method, args) -> {
            if (method.getName().equals("settle")) {
                beforeSettle.run();
            } else if (method.getName().equals("ping")) {
                beforePing.run();
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
