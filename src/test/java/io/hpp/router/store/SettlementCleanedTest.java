package io.hpp.router.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettlementCleanedTest {

    @Test
    void cleaningReplacesControlCharactersAndBoundsTextButKeepsIdsAndMoney() {
        String longModel = "openai/" + "x".repeat(1_000);
        Reservation hold = new Reservation("r1", "c1", Money.ofDollars("0.5"), Instant.now());
        RequestLogEntry e = new RequestLogEntry("id\u0000kept", "c1", "k1", "openai/gpt-5\u0000\u001b[2Jx", Optional.of(longModel),
                Optional.of("simple"), Optional.of("rule\nid"), Optional.of(3L), Optional.empty(), new TokenUsage(1, 2, 3, 4),
                Money.ofDollars("0.25"), 400, Optional.of("invalid_request"), true, 7, Optional.of(1L), Instant.now(),
                new RequestLogEntry.Meta("req\uD800", "chat", Optional.of(5L), Optional.of(Money.ofDollars("1"))));
        Settlement s = new Settlement(Optional.of(hold), e, Optional.of(42L));

        Settlement clean = s.cleaned();

        RequestLogEntry c = clean.entry();
        assertThat(c.requestedModel()).isEqualTo("openai/gpt-5\uFFFD\uFFFD[2Jx");
        assertThat(c.resolvedModel().orElseThrow()).hasSize(SafeText.MAX_CHARS).startsWith("openai/xxx");
        assertThat(c.ruleId()).contains("rule\uFFFDid");
        assertThat(c.meta().requestId()).isEqualTo("req\uFFFD");
        assertThat(c.id()).as("ids link rows: never changed").isEqualTo(e.id());
        assertThat(c.consumerId()).isEqualTo("c1");
        assertThat(c.cost()).isEqualTo(e.cost());
        assertThat(c.usage()).isEqualTo(e.usage());
        assertThat(c.meta().baselineCost()).isEqualTo(e.meta().baselineCost());
        assertThat(clean.reservation()).contains(hold);
        assertThat(clean.rateWindow()).contains(42L);
        assertThat(SafeText.of("emoji \uD83D\uDE00 kept")).isEqualTo("emoji \uD83D\uDE00 kept");
    }
}
