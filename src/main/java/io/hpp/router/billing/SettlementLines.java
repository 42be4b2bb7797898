package io.hpp.router.billing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Reservation;
import io.hpp.router.store.Settlement;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * A settlement as one JSON object: every field of its log row, its hold and its rate-limit windows, amounts in integer
 * nano-dollars. The journal writes one per request on the response path, so {@link #line} streams it with Jackson's
 * generator instead of building a tree; {@link #read} (replays, rare) reads a tree.
 */
final class SettlementLines {
    private SettlementLines() {
    }

    /** The settlement as one line of JSON, newline included. */
    static byte[] line(Settlement s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            write(g, s);
        } catch (IOException e) {
            throw new UncheckedIOException("a settlement always serializes to memory", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Writes the settlement as one object on {@code g}. */
    static void write(JsonGenerator g, Settlement s) throws IOException {
        g.writeStartObject();
        if (s.reservation().isPresent()) {
            Reservation r = s.reservation().get();
            g.writeObjectFieldStart("reservation");
            g.writeStringField("id", r.id());
            g.writeStringField("consumer_id", r.consumerId());
            g.writeNumberField("amount_nanos", r.amount().nanos());
            g.writeStringField("expires_at", r.expiresAt().toString());
            text(g, "key_id", r.keyId());
            g.writeNumberField("period_start", r.periodStart());
            g.writeEndObject();
        } else {
            g.writeNullField("reservation");
        }
        number(g, "rate_window", s.rateWindow());
        number(g, "key_rate_window", s.keyRateWindow());
        g.writeNumberField("key_period_start", s.keyPeriodStart());
        RequestLogEntry e = s.entry();
        g.writeObjectFieldStart("entry");
        g.writeStringField("id", e.id());
        g.writeStringField("consumer_id", e.consumerId());
        g.writeStringField("key_id", e.keyId());
        g.writeStringField("requested_model", e.requestedModel());
        text(g, "resolved_model", e.resolvedModel());
        text(g, "basket", e.basket());
        text(g, "rule_id", e.ruleId());
        number(g, "rules_version", e.rulesVersion());
        text(g, "tier", e.tier());
        g.writeNumberField("input_tokens", e.usage().input());
        g.writeNumberField("output_tokens", e.usage().output());
        g.writeNumberField("cache_write_tokens", e.usage().cacheWrite());
        g.writeNumberField("cache_read_tokens", e.usage().cacheRead());
        g.writeNumberField("cost_nanos", e.cost().nanos());
        g.writeNumberField("status", e.status());
        text(g, "error_code", e.errorCode());
        g.writeBooleanField("streamed", e.streamed());
        g.writeNumberField("latency_ms", e.latencyMs());
        number(g, "ttft_ms", e.ttftMs());
        g.writeStringField("created_at", e.createdAt().toString());
        RequestLogEntry.Meta m = e.meta();
        g.writeStringField("request_id", m.requestId());
        g.writeStringField("endpoint", m.endpoint());
        number(g, "upstream_ms", m.upstreamMs());
        number(g, "baseline_cost_nanos", m.baselineCost().map(Money::nanos));
        text(g, "rerouted_from", m.reroutedFrom());
        text(g, "deployment", m.deployment());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String field, Optional<String> v) throws IOException {
        if (v.isPresent()) {
            g.writeStringField(field, v.get());
        } else {
            g.writeNullField(field);
        }
    }

    private static void number(JsonGenerator g, String field, Optional<Long> v) throws IOException {
        if (v.isPresent()) {
            g.writeNumberField(field, v.get());
        } else {
            g.writeNullField(field);
        }
    }

    /** The settlement {@link #write} wrote. */
    static Settlement read(JsonNode n) {
        JsonNode r = n.path("reservation");
        Optional<Reservation> reservation = r.isObject()
                ? Optional.of(new Reservation(r.path("id").asText(), r.path("consumer_id").asText(), new Money(r.path("amount_nanos").asLong()),
                        Instant.parse(r.path("expires_at").asText()), text(r, "key_id"), r.path("period_start").asLong(0)))
                : Optional.empty();
        JsonNode e = n.path("entry");
        RequestLogEntry entry = new RequestLogEntry(e.path("id").asText(), e.path("consumer_id").asText(), e.path("key_id").asText(),
                e.path("requested_model").asText(), text(e, "resolved_model"), text(e, "basket"), text(e, "rule_id"),
                number(e, "rules_version"), text(e, "tier"), new TokenUsage(e.path("input_tokens").asLong(), e.path("output_tokens").asLong(),
                        e.path("cache_write_tokens").asLong(), e.path("cache_read_tokens").asLong()),
                new Money(e.path("cost_nanos").asLong()), e.path("status").asInt(), text(e, "error_code"), e.path("streamed").asBoolean(),
                e.path("latency_ms").asLong(), number(e, "ttft_ms"), Instant.parse(e.path("created_at").asText()),
                new RequestLogEntry.Meta(e.path("request_id").asText(), e.path("endpoint").asText(), number(e, "upstream_ms"),
                        number(e, "baseline_cost_nanos").map(Money::new), text(e, "rerouted_from"), text(e, "deployment")));
        return new Settlement(reservation, entry, number(n, "rate_window"), number(n, "key_rate_window"), n.path("key_period_start").asLong(0));
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
