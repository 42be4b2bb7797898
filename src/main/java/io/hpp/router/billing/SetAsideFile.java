package io.hpp.router.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Reservation;
import io.hpp.router.store.Settlement;
import io.hpp.router.store.Store;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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

    /** What a replay did: settlements that landed, and lines kept in the file because the store still refuses them. */
    public record Replay(int settled, int kept) {
    }

    /**
     * Settles every line of the file again, one at a time, and rewrites the file with the lines the store still
     * refuses (in order; a line that cannot be read is kept too). A settlement that had in fact committed (its
     * acknowledgement lost) is refused by its log row's id, so nothing is charged twice. Its hold, if a router still
     * holds it in memory (SQLite), is released when it expires.
     */
    public synchronized Replay replay(Store store) {
        if (!Files.isRegularFile(path)) {
            return new Replay(0, 0);
        }
        List<String> kept = new ArrayList<>();
        int settled = 0;
        try {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    store.settle(List.of(fromJson(Json.readTree(line).path("settlement"))));
                    settled++;
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
        return new Replay(settled, kept.size());
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
        ObjectNode n = Json.object();
        s.reservation().ifPresentOrElse(r -> n.set("reservation", Json.object().put("id", r.id()).put("consumer_id", r.consumerId())
                .put("amount_nanos", r.amount().nanos()).put("expires_at", r.expiresAt().toString())), () -> n.putNull("reservation"));
        n.put("rate_window", s.rateWindow().orElse(null));
        RequestLogEntry e = s.entry();
        ObjectNode entry = n.putObject("entry").put("id", e.id()).put("consumer_id", e.consumerId()).put("key_id", e.keyId())
                .put("requested_model", e.requestedModel()).put("resolved_model", e.resolvedModel().orElse(null))
                .put("basket", e.basket().orElse(null)).put("rule_id", e.ruleId().orElse(null))
                .put("rules_version", e.rulesVersion().orElse(null)).put("tier", e.tier().orElse(null))
                .put("input_tokens", e.usage().input()).put("output_tokens", e.usage().output())
                .put("cache_write_tokens", e.usage().cacheWrite()).put("cache_read_tokens", e.usage().cacheRead())
                .put("cost_nanos", e.cost().nanos()).put("status", e.status()).put("error_code", e.errorCode().orElse(null))
                .put("streamed", e.streamed()).put("latency_ms", e.latencyMs()).put("ttft_ms", e.ttftMs().orElse(null))
                .put("created_at", e.createdAt().toString());
        RequestLogEntry.Meta m = e.meta();
        entry.put("request_id", m.requestId()).put("endpoint", m.endpoint()).put("upstream_ms", m.upstreamMs().orElse(null))
                .put("baseline_cost_nanos", m.baselineCost().map(Money::nanos).orElse(null));
        return n;
    }

    static Settlement fromJson(JsonNode n) {
        JsonNode r = n.path("reservation");
        Optional<Reservation> reservation = r.isObject()
                ? Optional.of(new Reservation(r.path("id").asText(), r.path("consumer_id").asText(), new Money(r.path("amount_nanos").asLong()),
                        Instant.parse(r.path("expires_at").asText())))
                : Optional.empty();
        JsonNode e = n.path("entry");
        RequestLogEntry entry = new RequestLogEntry(e.path("id").asText(), e.path("consumer_id").asText(), e.path("key_id").asText(),
                e.path("requested_model").asText(), text(e, "resolved_model"), text(e, "basket"), text(e, "rule_id"),
                number(e, "rules_version"), text(e, "tier"), new TokenUsage(e.path("input_tokens").asLong(), e.path("output_tokens").asLong(),
                        e.path("cache_write_tokens").asLong(), e.path("cache_read_tokens").asLong()),
                new Money(e.path("cost_nanos").asLong()), e.path("status").asInt(), text(e, "error_code"), e.path("streamed").asBoolean(),
                e.path("latency_ms").asLong(), number(e, "ttft_ms"), Instant.parse(e.path("created_at").asText()),
                new RequestLogEntry.Meta(e.path("request_id").asText(), e.path("endpoint").asText(), number(e, "upstream_ms"),
                        number(e, "baseline_cost_nanos").map(Money::new)));
        return new Settlement(reservation, entry, number(n, "rate_window"));
    }

    private static Optional<String> text(JsonNode n, String field) {
        return optional(n, field, JsonNode::asText);
    }

    private static Optional<Long> number(JsonNode n, String field) {
        return optional(n, field, JsonNode::asLong);
    }

    private static <T> Optional<T> optional(JsonNode n, String field, Function<JsonNode, T> value) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(value.apply(v));
    }
}
