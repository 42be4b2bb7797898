package io.hpp.router.billing;

import io.hpp.router.common.Ids;
import io.hpp.router.common.Json;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's record of every settlement made, written before the request's answer is finished, so that a request
 * whose answer reached its client is charged and logged even if the process dies before the batch that settles it
 * commits. One folder per node under the journal root ({@code <root>/<node id>/}): a {@code lock} file the live node
 * holds locked, a {@code database} file naming the database it settles into, and segments of one JSON line per
 * settlement ({@link SettlementLines}).
 *
 * <p>A line is copied into a memory-mapped segment, without a system call and without {@code fsync}: it is in the
 * operating system's page cache when the copy ends, which survives the death of the process ({@code kill -9}, an OOM
 * kill) but not of the machine. A {@code write} per line cost a request 13–33 µs of CPU at 1,000 requests a second
 * (bench/threads.sh A/B; JMH measured 4 µs alone), an {@code fsync} 150 µs (JournalBench).
 * A segment is deleted once every settlement in it has been committed or set aside, and it is no longer the one
 * being written.
 *
 * <p>{@link #replayOrphans} settles the folders of nodes that are gone — this node's earlier life after a crash, or a
 * dead peer's on storage the nodes share — idempotently: the store skips a settlement whose log row it holds, so a
 * folder replayed twice, or a line the live writer had committed already, is never charged twice.
 */
public final class SettlementJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SettlementJournal.class);
    /**
     * A segment's size: about 9,000 settlements (~900 bytes a line), ten seconds at 1,000 requests a second; full, it is
     * closed, and deleted once its settlements are committed.
     */
    static final int SEGMENT_BYTES = 8 << 20;
    private static final byte[] ZEROS = new byte[1 << 20];
    private static final int REPLAY_BATCH = 256;

    /** Opens a segment for appending (tests give one that fails, as a full disk does). */
    @FunctionalInterface
    public interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    /**
     * One segment file, its blocks allocated up front and mapped: a line is appended by copying it into the mapping (no
     * system call; the kernel writes the pages back, also after the process died). {@code open} counts the settlements
     * in it not finished yet.
     */
    private static final class Segment {
        final Path file;
        final MappedByteBuffer map;
        final AtomicInteger open = new AtomicInteger();
        volatile boolean closed;

        Segment(Path file, MappedByteBuffer map) {
            this.file = file;
            this.map = map;
        }
    }

    private final Path root;
    private final Path dir;
    private final String databaseId;
    private final Opener opener;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ReentrantLock appending = new ReentrantLock();
    private final ConcurrentHashMap<String, Segment> bySettlement = new ConcurrentHashMap<>();
    private Segment current;
    /** The next segment, allocated ahead by {@link #tidy} so that appends rarely wait for one. */
    private Segment spare;
    private int nextSegment = 1;
    private volatile String failure;

    private SettlementJournal(Path root, String databaseId, Opener opener) throws IOException {
        this.root = root;
        this.databaseId = databaseId;
        this.opener = opener;
        this.dir = root.resolve(Ids.uuid());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("database"), databaseId, StandardCharsets.UTF_8);
        this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.lock = lockChannel.lock();
    }

    /** This node's journal under {@code root}, for the database {@code databaseId}. */
    public static SettlementJournal open(Path root, String databaseId) {
        return open(root, databaseId, file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    public static SettlementJournal open(Path root, String databaseId, Opener opener) {
        try {
            return new SettlementJournal(root.toAbsolutePath(), databaseId, opener);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the settlement journal in " + root + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Why the journal cannot be written now, if it cannot; requests are then refused before any provider call. */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /**
     * Writes the settlement's line; true once the operating system has it. False when it cannot be written (the disk
     * is full, the folder is gone): the journal then reports itself failed until a later write succeeds.
     */
    public boolean append(Settlement s) {
        byte[] line = SettlementLines.line(s);
        if (line.length > SEGMENT_BYTES) {
            return false;   // cannot happen: log rows' text is bounded far below
        }
        appending.lock();
        try {
            Segment seg = current(line.length);
            seg.map.put(line);
            seg.open.incrementAndGet();
            bySettlement.put(s.entry().id(), seg);
            failure = null;
            return true;
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                LOG.error("the settlement journal in {} cannot be written: {}; requests are refused until it can", dir, e.getMessage());
            }
            failure = "the settlement journal in " + dir + " cannot be written: " + e.getMessage();
            dropCurrent();
            return false;
        } finally {
            appending.unlock();
        }
    }

    /** The settlement is committed (or set aside): its line is needed no more. */
    public void finished(Settlement s) {
        Segment seg = bySettlement.remove(s.entry().id());
        if (seg != null && seg.open.decrementAndGet() == 0 && seg.closed) {
            delete(seg);
        }
    }

    /**
     * Closes the current segment if its every settlement is finished (an idle node keeps no journal), and tries a
     * failed journal again; called by the housekeeping task.
     */
    public void tidy() {
        appending.lock();
        try {
            if (current != null && current.open.get() == 0) {
                Segment done = current;
                current = null;
                done.closed = true;
                delete(done);
            }
            if (failure != null) {
                current(0);   // allocating a segment proves the disk has room again
                failure = null;
                LOG.info("the settlement journal in {} can be written again", dir);
            }
            if (spare == null) {
                spare = allocate();
            }
        } catch (IOException | RuntimeException e) {
            failure = "the settlement journal in " + dir + " cannot be written: " + e.getMessage();
            dropCurrent();
        } finally {
            appending.unlock();
        }
    }

    /** Under the lock: the segment to append {@code bytes} to; the spare, or a new one, when the current one is full. */
    private Segment current(int bytes) throws IOException {
        if (current != null && current.map.remaining() >= bytes) {
            return current;
        }
        if (current != null) {
            Segment full = current;
            current = null;
            full.closed = true;
            if (full.open.get() == 0) {
                delete(full);
            }
        }
        current = spare != null ? spare : allocate();
        spare = null;
        return current;
    }

    /**
     * A new segment with its blocks allocated (zeros written: a full disk fails here, with an exception, rather than at
     * a write into the mapping, which would be a fault) and mapped.
     */
    private Segment allocate() throws IOException {
        Path file = dir.resolve(String.format("%08d.jsonl", nextSegment++));
        try (FileChannel ch = opener.open(file)) {
            ByteBuffer zeros = ByteBuffer.wrap(ZEROS);
            for (long at = 0; at < SEGMENT_BYTES; at += ZEROS.length) {
                zeros.clear();
                while (zeros.hasRemaining()) {
                    ch.write(zeros, at + zeros.position());
                }
            }
            ch.force(false);   // the blocks, not the lines: once per segment
            return new Segment(file, ch.map(FileChannel.MapMode.READ_WRITE, 0, SEGMENT_BYTES));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Under the lock: forgets a segment that failed; its lines stay on disk for a replay. */
    private void dropCurrent() {
        current = null;
    }

    private void delete(Segment seg) {
        try {
            Files.deleteIfExists(seg.file);   // its mapping goes with the buffer's collection
        } catch (IOException e) {
            LOG.warn("cannot delete the finished journal segment {}: {}", seg.file, e.getMessage());
        }
    }

    /**
     * Settles what the folders of nodes that are gone still hold, for this journal's database, then deletes them. A
     * folder is a gone node's when its lock can be taken (the operating system releases a dead process's locks); a
     * folder written for another database is left alone. Lines that cannot be read (the last, torn by the crash: its
     * request's answer was never finished) are skipped. Returns how many settlements were applied.
     */
    public int replayOrphans(Store store) {
        int applied = 0;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path other : dirs.filter(Files::isDirectory).filter(d -> !d.equals(dir)).sorted().toList()) {
                applied += replayIfOrphan(other, store);
            }
        } catch (IOException e) {
            LOG.warn("cannot list the settlement journals in {}: {}", root, e.getMessage());
        }
        return applied;
    }

    private int replayIfOrphan(Path other, Store store) throws IOException {
        Path database = other.resolve("database");
        if (!Files.isRegularFile(database) || !Files.readString(database, StandardCharsets.UTF_8).trim().equals(databaseId)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(other.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock taken = tryLock(ch)) {
            if (taken == null) {
                return 0;   // its node is alive
            }
            int applied = replay(other, store);
            deleteFolder(other);
            return applied;
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;   // held in this very process: another node of a test, alive
        }
    }

    /** Settles every readable line of a folder's segments, in batches; how many were applied (not applied before). */
    static int replay(Path folder, Store store) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(folder)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted(Comparator.naturalOrder()).toList();
        }
        int applied = 0;
        int lines = 0;
        List<Settlement> batch = new ArrayList<>(REPLAY_BATCH);
        for (Path segment : segments) {
            try (BufferedReader r = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int end = line.indexOf('\0');
                    if (end >= 0) {
                        line = line.substring(0, end);   // the segment's unwritten rest
                    }
                    if (line.isBlank()) {
                        if (end >= 0) {
                            break;
                        }
                        continue;
                    }
                    try {
                        batch.add(SettlementLines.read(Json.readTree(line)));
                        lines++;
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("skipping an unreadable line of journal segment {} (a write the crash cut short): {}", segment,
                                e.getMessage());
                    }
                    if (batch.size() == REPLAY_BATCH) {
                        applied += store.settle(List.copyOf(batch));
                        batch.clear();
                    }
                }
            }
        }
        applied += store.settle(List.copyOf(batch));
        if (lines > 0) {
            LOG.warn("replayed the settlement journal of a node that is gone ({}): {} settlements, {} not applied before", folder, lines,
                    applied);
        }
        return applied;
    }

    private static void deleteFolder(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(folder);
    }

    /** Ends this node's journal: called once every settlement is finished; what is left stays for a replay. */
    @Override
    public void close() {
        appending.lock();
        try {
            boolean allFinished = bySettlement.isEmpty();
            if (current != null) {
                current.closed = true;
                if (current.open.get() == 0) {
                    delete(current);
                }
                current = null;
            }
            if (spare != null) {
                delete(spare);
                spare = null;
            }
            lock.release();
            lockChannel.close();
            if (allFinished) {
                deleteFolder(dir);
            }
        } catch (IOException e) {
            LOG.warn("cannot close the settlement journal in {}: {}", dir, e.getMessage());
        } finally {
            appending.unlock();
        }
    }
}
