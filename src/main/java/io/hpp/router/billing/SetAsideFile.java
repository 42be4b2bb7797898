package io.hpp.router.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where settlements that the database would not take are kept for an operator: one JSON object per line
 * ({@code set_aside_at}, {@code reason}, {@code settlement} with every field of the log row, the hold and the
 * rate-limit window; amounts in integer nano-dollars), appended and forced to disk. {@link #read} turns the lines back
 * into settlements to replay. {@link #count} is what the file held when the router started plus what it set aside
 * since.
 */
public final class SetAsideFile {
    private static final Logger LOG = LoggerFactory.getLogger(SetAsideFile.class);

    private final Path path;
    private final AtomicLong count = new AtomicLong();

    public SetAsideFile(Path path) {
        this.path = path;
        if (Files.isRegularFile(path)) {
            try (var lines = Files.lines(path, StandardCharsets.UTF_8)) {
                count.set(lines.filter(l -> !l.isBlank()).count());
            } catch (IOException | UncheckedIOException e) {
                LOG.error("cannot read the set-aside settlements in {}: {}", path, e.getMessage());
            }
            if (count.get() > 0) {
                LOG.warn("{} settlements set aside earlier are waiting in {} for an operator to replay", count.get(), path);
            }
        }
    }

    public Path path() {
        return path;
    }

    public long count() {
        return count.get();
    }

    /** Appends {@code s}; if even the file cannot be written, the line goes to the error log, the last place left. */
    synchronized void append(Settlement s, String reason) {
        ObjectNode line = Json.object();
        line.put("set_aside_at", Instant.now().toString());
        line.put("reason", reason);
        line.set("settlement", toJson(s));
        String text = line.toString();
        count.incrementAndGet();
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            LOG.error("cannot write {} ({}); the settlement set aside is: {}", path, e.getMessage(), text);
        }
    }

    /**
     * What a replay did: settlements that landed, settlements found applied already (their log row is stored: dropped
     * from the file, never charged twice), and lines kept in the file because the store still refuses them.
     */
    public record Replay(int settled, int alreadySettled, int kept) {
    }

    /**
     * Settles every line of the file again, one at a time, and rewrites the file with the lines the store still
     * refuses (in order; a line that cannot be read is kept too). A settlement that had in fact committed (its
     * acknowledgement lost) is recognised by its log row's id and skipped, so nothing is charged twice. Its hold, if a router still
     * holds it in memory (SQLite), is released when it expires.
     */
    public synchronized Replay replay(Store store) {
        if (!Files.isRegularFile(path)) {
            return new Replay(0, 0, 0);
        }
        List<String> kept = new ArrayList<>();
        int settled = 0;
        int already = 0;
        try {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (store.settle(List.of(fromJson(Json.readTree(line).path("settlement")))) == 1) {
                        settled++;
                    } else {
                        already++;
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("a set-aside settlement is still refused, kept in {}: {}", path, e.getMessage());
                    kept.add(line);
                }
            }
            Path next = path.resolveSibling(path.getFileName() + ".next");
            Files.write(next, kept, StandardCharsets.UTF_8);
            Files.move(next, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay the set-aside settlements of " + path, e);
        }
        count.set(kept.size());
        return new Replay(settled, already, kept.size());
    }

    /** The settlements of a set-aside file, in order, for an operator to replay. */
    public static List<Settlement> read(Path file) {
        List<Settlement> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    out.add(fromJson(Json.readTree(line).path("settlement")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read set-aside settlements from " + file, e);
        }
        return out;
    }

    static ObjectNode toJson(Settlement s) {
        try {
            return (ObjectNode) Json.readTree(new String(SettlementLines.line(s), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("a settlement's own line always reads back", e);
        }
    }

    static Settlement fromJson(JsonNode n) {
        return SettlementLines.read(n);
    }
}
