package io.hpp.router.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void timeOrderedTokensSortInTheOrderTheyWereMadeAcrossMilliseconds() throws InterruptedException {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(Ids.timeOrderedToken("req_", 15));
            Thread.sleep(2);
        }
        assertThat(made).isSorted();
        assertThat(made).allSatisfy(id -> assertThat(id).matches("req_[0-9a-z]{9}[a-z0-9]{15}"));
        // the time part is the millisecond in base 36
        long millis = Long.parseLong(made.getFirst().substring(4, 13), 36);
        assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    }

    @Test
    void timeOrderedTokensMadeInTheSameMillisecondStillDiffer() {
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(Ids.timeOrderedToken("req_", 15))).isTrue();
        }
    }

    @Test
    void timeOrderedUuidsAreVersion7AndSortByTheirMillisecond() throws InterruptedException {
        String first = Ids.timeOrderedUuid();
        Thread.sleep(2);
        String second = Ids.timeOrderedUuid();
        assertThat(UUID.fromString(first).version()).isEqualTo(7);
        assertThat(UUID.fromString(first).variant()).isEqualTo(2);
        assertThat(first.compareTo(second)).isNegative();
    }
}
