package io.hpp.router.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.value.Money;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The remembered balance of SQLite holds against a change another process (the CLI) makes to the file. */
class LocalHoldsTest {

    @Test
    void aChangeFromAnotherProcessCountsOnceTheRememberedBalanceIsOld() throws Exception {
        Path db = Files.createTempDirectory("holds").resolve("h.db");
        String url = "jdbc:sqlite:" + db;
        try (Connection other = DriverManager.getConnection(url); Statement st = other.createStatement()) {
            st.execute("CREATE TABLE consumers (id TEXT PRIMARY KEY, quota_nanos INTEGER NOT NULL, used_nanos INTEGER NOT NULL)");
            st.execute("INSERT INTO consumers VALUES ('c1', 1000000000, 0)");   // $1
            long maxAge = 1_500_000_000L;   // long enough that a loaded machine (load 18 on 2 cores was seen) stays inside it
            try (LocalHolds holds = new LocalHolds(() -> DriverManager.getConnection(url), maxAge)) {
                assertThat(holds.tryHold(hold("h1", "0.5"), Money.ofDollars("0.5"))).isTrue();
                // the CLI spends the rest behind the router's back: the remembered balance still admits $0.5 ...
                st.execute("UPDATE consumers SET used_nanos = 500000000 WHERE id = 'c1'");
                assertThat(holds.tryHold(hold("h2", "0.5"), Money.ofDollars("0.5"))).isTrue();
                holds.release(java.util.List.of("h2"), java.util.List.of(), java.util.List.of());
                // ... until it is older than the maximum age; then the hold reads again and sees the change
                Thread.sleep(maxAge / 1_000_000 + 50);
                assertThat(holds.tryHold(hold("h3", "0.01"), Money.ofDollars("0.01"))).isFalse();
                // forgetting (what an admin change in this process does) reads at once
                st.execute("UPDATE consumers SET quota_nanos = 2000000000 WHERE id = 'c1'");
                holds.forget("c1");
                assertThat(holds.tryHold(hold("h4", "0.9"), Money.ofDollars("0.9"))).isTrue();
                assertThat(holds.reserved("c1")).isEqualTo(Money.ofDollars("1.4"));
            }
        }
    }

    @Test
    void anUnknownConsumerHoldsNothing() throws Exception {
        String url = "jdbc:sqlite:" + Files.createTempDirectory("holds").resolve("h.db");
        try (Connection other = DriverManager.getConnection(url); Statement st = other.createStatement()) {
            st.execute("CREATE TABLE consumers (id TEXT PRIMARY KEY, quota_nanos INTEGER NOT NULL, used_nanos INTEGER NOT NULL)");
            try (LocalHolds holds = new LocalHolds(() -> DriverManager.getConnection(url))) {
                assertThat(holds.tryHold(hold("h1", "0"), Money.ZERO)).isFalse();
                assertThat(holds.reserved("nobody")).isEqualTo(Money.ZERO);
            }
        }
    }

    @Test
    void holdsThatWouldPassTheRangeOfALongCoverNothing() throws Exception {
        String url = "jdbc:sqlite:" + Files.createTempDirectory("holds").resolve("h.db");
        try (Connection other = DriverManager.getConnection(url); Statement st = other.createStatement()) {
            st.execute("CREATE TABLE consumers (id TEXT PRIMARY KEY, quota_nanos INTEGER NOT NULL, used_nanos INTEGER NOT NULL)");
            st.execute("INSERT INTO consumers VALUES ('c1', " + Long.MAX_VALUE + ", 0)");
            try (LocalHolds holds = new LocalHolds(() -> DriverManager.getConnection(url))) {
                Instant later = Instant.now().plusSeconds(60);
                assertThat(holds.tryHold(new Reservation("big", "c1", new Money(Long.MAX_VALUE - 5), later), Money.ZERO)).isTrue();
                // the sum of the holds would wrap to a negative amount, which would then cover any later hold
                assertThat(holds.tryHold(new Reservation("wraps", "c1", new Money(10), later), Money.ZERO)).isFalse();
                assertThat(holds.reserved("c1")).isEqualTo(new Money(Long.MAX_VALUE - 5));
                assertThat(holds.tryHold(new Reservation("fits", "c1", new Money(5), later), new Money(5))).isTrue();
                assertThat(holds.tryHold(new Reservation("none left", "c1", new Money(1), later), new Money(1))).isFalse();
            }
        }
    }

    private static Reservation hold(String id, String dollars) {
        return new Reservation(id, "c1", Money.ofDollars(dollars), Instant.now().plusSeconds(60));
    }
}
