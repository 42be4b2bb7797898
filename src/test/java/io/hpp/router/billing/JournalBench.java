package io.hpp.router.billing;

import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Reservation;
import io.hpp.router.store.Settlement;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What recording a settlement before its answer is finished costs a request (issue 29), against the candidates: the
 * line alone (Jackson's generator, {@link SettlementLines#line}); the line as the set-aside file made it (a tree, then
 * text); the journal's append (the line, one {@code write}, the bookkeeping) and its finish; the same append followed
 * by an {@code fsync} (what surviving a power loss too would cost every request). Single-threaded, on the machine's
 * disk (tmpfs or not, as {@code java.io.tmpdir} is). Run: bench/jmh.sh JournalBench
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JournalBench {
    private Settlement settlement;
    private SettlementJournal journal;
    private FileChannel synced;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Reservation hold = new Reservation(UUID.randomUUID().toString(), UUID.randomUUID().toString(), Money.ofDollars("0.0123"),
                Instant.now().plusSeconds(1800));
        RequestLogEntry e = new RequestLogEntry(UUID.randomUUID().toString(), hold.consumerId(), "abcdefghijklmnop", "openai/gpt-5",
                Optional.of("openai/gpt-5"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                new TokenUsage(1200, 350, 0, 0), Money.ofDollars("0.0048"), 200, Optional.empty(), true, 812, Optional.of(240L),
                Instant.now(), new RequestLogEntry.Meta(UUID.randomUUID().toString(), "chat", Optional.of(800L), Optional.empty()));
        settlement = new Settlement(Optional.of(hold), e, Optional.of(29_000_000L));
        dir = Files.createTempDirectory("journal-bench");
        journal = SettlementJournal.open(dir.resolve("journal"), "bench");
        synced = FileChannel.open(dir.resolve("synced.jsonl"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        synced.close();
        journal.close();
    }

    @Benchmark
    public byte[] line() {
        return SettlementLines.line(settlement);
    }

    @Benchmark
    public String lineAsATree() {
        return SetAsideFile.toJson(settlement).toString();
    }

    @Benchmark
    public boolean appendAndFinish() {
        boolean ok = journal.append(settlement);
        journal.finished(settlement);
        return ok;
    }

    @Benchmark
    public int appendAndFsync() throws IOException {
        int n = synced.write(ByteBuffer.wrap(SettlementLines.line(settlement)));
        synced.force(false);
        return n;
    }
}
