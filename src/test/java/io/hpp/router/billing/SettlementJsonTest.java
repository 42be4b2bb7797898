package io.hpp.router.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.store.Reservation;
import io.hpp.router.store.Settlement;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A settlement written as a line and read back is the same settlement: every field, the key's included. */
class SettlementJsonTest {
    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        Reservation hold = new Reservation("h1", "c1", Money.ofDollars("0.25"), Instant.parse("2026-12-07T10:00:00.123Z"),
                Optional.of("k1"), 1_796_601_600_000L);
        RequestLogEntry entry = new RequestLogEntry("row-1", "c1", "k1", "hpprouter/auto", Optional.of("openai/gpt-5"),
                Optional.of("simple"), Optional.of("complex-t2"), Optional.of(4L), Optional.of("T2"), new TokenUsage(10, 20, 3, 4),
                Money.ofDollars("0.000123456"), 200, Optional.empty(), true, 321, Optional.of(45L), Instant.parse("2026-12-07T10:00:01.5Z"),
                new RequestLogEntry.Meta("req-1", "messages", Optional.of(300L), Optional.of(Money.ofDollars("0.001")),
                        Optional.of("openai/gpt-4o-mini"), Optional.of("openai-eu:gpt-5")));
        Settlement s = new Settlement(Optional.of(hold), entry, Optional.of(29_000_000L), Optional.of(29_000_001L), 1_796_601_600_000L);
        Settlement back = SetAsideFile.fromJson(Json.readTree(SetAsideFile.toJson(s).toString()));
        assertThat(back).isEqualTo(s);
        Settlement plain = new Settlement(Optional.empty(), entry);
        assertThat(SetAsideFile.fromJson(Json.readTree(SetAsideFile.toJson(plain).toString()))).isEqualTo(plain);
    }
}
