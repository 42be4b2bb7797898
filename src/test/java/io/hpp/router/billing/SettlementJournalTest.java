package io.hpp.router.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.app.App;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The settlement journal: what it keeps, what it deletes, and replays that apply each settlement exactly once. */
class SettlementJournalTest {
    private Path root;
    private Store store;
    private ConsumerRecord consumer;

    @BeforeEach
    void open() throws IOException {
        Path dir = Files.createTempDirectory("journal-test");
        root = dir.resolve("journal");
        store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("j.db"))));
        consumer = store.createConsumer(Optional.empty(), Optional.empty(), Money.ofDollars("10"));
        store.createKey(new ApiKeyRecord("k1", consumer.id(), new byte[32], Optional.empty(), Instant.now(), Optional.empty()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Settlement settlement(String cost) {
        RequestLogEntry e = new RequestLogEntry(UUID.randomUUID().toString(), consumer.id(), "k1", "openai/gpt-5", Optional.of("openai/gpt-5"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), new TokenUsage(10, 5, 0, 0), Money.ofDollars(cost),
                200, Optional.empty(), false, 3, Optional.empty(), Instant.now(), RequestLogEntry.Meta.of("req-" + UUID.randomUUID(), "chat"));
        return new Settlement(Optional.empty(), e);
    }

    /** The folder a node that died would have left: its segment lines, its database, and a lock nobody holds. */
    private Path deadNode(List<Settlement> settlements, String tail) throws IOException {
        Path dead = root.resolve("dead-" + UUID.randomUUID());
        Files.createDirectories(dead);
        Files.writeString(dead.resolve("database"), store.databaseId());
        Files.writeString(dead.resolve("lock"), "");
        StringBuilder lines = new StringBuilder();
        for (Settlement s : settlements) {
            lines.append(new String(SettlementLines.line(s), StandardCharsets.UTF_8));
        }
        Files.writeString(dead.resolve("00000001.jsonl"), lines + tail);
        return dead;
    }

    /** The settlement lines the folder's segments hold (a segment's unwritten rest is zeros). */
    private static long lines(Path dir) throws IOException {
        long n = 0;
        try (Stream<Path> f = Files.list(dir)) {
            for (Path segment : f.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList()) {
                String text = Files.readString(segment, StandardCharsets.UTF_8);
                int end = text.indexOf('\0');
                n += (end < 0 ? text : text.substring(0, end)).lines().filter(l -> !l.isBlank()).count();
            }
        }
        return n;
    }

    @Test
    void aDeadNodesJournalIsSettledOnceAndReplayingItAgainChangesNothing() throws IOException {
        List<Settlement> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(settlement("0.01"));
        }
        store.settle(List.of(five.getFirst()));   // the live writer had committed one of them before the crash
        String torn = new String(SettlementLines.line(settlement("0.5")), StandardCharsets.UTF_8).substring(0, 40);
        Path dead = deadNode(five, torn);
        try (SettlementJournal live = SettlementJournal.open(root, store.databaseId())) {
            assertThat(live.replayOrphans(store)).as("four not applied before; the torn line was never answered").isEqualTo(4);
            assertThat(dead).doesNotExist();
            ConsumerRecord after = store.consumer(consumer.id()).orElseThrow();
            assertThat(after.used()).isEqualTo(Money.ofDollars("0.05"));
            assertThat(after.requests()).isEqualTo(5);
            assertThat(store.requestLog(consumer.id(), 100)).hasSize(5);

            deadNode(five, "");
            assertThat(live.replayOrphans(store)).as("the same journal again").isZero();
            assertThat(store.consumer(consumer.id()).orElseThrow()).isEqualTo(after);
            assertThat(store.requestLog(consumer.id(), 100)).hasSize(5);
        }
    }

    @Test
    void aLiveNodesJournalAndAnotherDatabasesAreLeftAlone() throws IOException {
        try (SettlementJournal alive = SettlementJournal.open(root, store.databaseId());
             SettlementJournal other = SettlementJournal.open(root, store.databaseId())) {
            assertThat(alive.append(settlement("0.01"))).isTrue();
            Path foreign = deadNode(List.of(settlement("0.02")), "");
            Files.writeString(foreign.resolve("database"), "another-database");
            assertThat(other.replayOrphans(store)).isZero();
            assertThat(lines(alive.dir())).as("its node holds its lock").isEqualTo(1);
            assertThat(foreign).exists();
            assertThat(store.consumer(consumer.id()).orElseThrow().used()).isEqualTo(Money.ZERO);
        }
    }

    @Test
    void finishedLinesAreDeletedAndAClosedJournalLeavesNothing() throws IOException {
        SettlementJournal j = SettlementJournal.open(root, store.databaseId());
        Settlement a = settlement("0.01");
        Settlement b = settlement("0.02");
        assertThat(j.append(a)).isTrue();
        assertThat(j.append(b)).isTrue();
        assertThat(lines(j.dir())).isEqualTo(2);
        j.finished(a);
        j.tidy();
        assertThat(lines(j.dir())).as("b is not committed yet").isEqualTo(2);
        j.finished(b);
        j.tidy();
        assertThat(lines(j.dir())).as("an idle node keeps no journal").isZero();
        assertThat(j.dir().resolve("00000001.jsonl")).doesNotExist();
        assertThat(j.append(settlement("0.03"))).isTrue();
        assertThat(j.dir().resolve("00000002.jsonl")).exists();
        Path dir = j.dir();
        j.close();
        assertThat(dir).as("a line not finished stays for a replay").exists();
        assertThat(SettlementJournal.open(root, store.databaseId()).replayOrphans(store)).isEqualTo(1);
    }

    @Test
    void aJournalThatCannotBeWrittenSaysSoUntilItCanAgain() throws IOException {
        AtomicBoolean full = new AtomicBoolean(true);
        // /dev/full: every write fails with ENOSPC, as on a full disk
        SettlementJournal.Opener opener = file -> full.get() ? FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try (SettlementJournal j = SettlementJournal.open(root, store.databaseId(), opener)) {
            assertThat(j.append(settlement("0.01"))).isFalse();
            assertThat(j.failure()).get().asString().contains("cannot be written");
            j.tidy();
            assertThat(j.failure()).as("still full").isPresent();
            full.set(false);
            j.tidy();
            assertThat(j.failure()).isEmpty();
            assertThat(j.append(settlement("0.01"))).isTrue();
        }
    }

    @Test
    void theWritersCommitsFinishTheJournalsLines() throws IOException {
        SettlementJournal j = SettlementJournal.open(root, store.databaseId());
        Path setAside = root.getParent().resolve("set-aside.jsonl");
        try (SettlementWriter writer = new SettlementWriter(store, batch -> { }, new io.hpp.router.observe.Metrics(false),
                model -> "openai", new SetAsideFile(setAside), Optional.of(j))) {
            for (int i = 0; i < 20; i++) {
                assertThat(writer.submit(settlement("0.01"))).isTrue();
            }
            assertThat(writer.flush(10_000)).isTrue();
        }
        j.tidy();
        assertThat(lines(j.dir())).isZero();
        assertThat(store.consumer(consumer.id()).orElseThrow().used()).isEqualTo(Money.ofDollars("0.2"));
        j.close();
    }
}
