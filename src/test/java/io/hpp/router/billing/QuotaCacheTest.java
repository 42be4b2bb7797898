package io.hpp.router.billing;

import io.hpp.router.value.Money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuotaCacheTest {
    private static ConsumerRecord consumer(String quota) {
        return new ConsumerRecord("c1", Optional.empty(), Optional.empty(), Money.ofDollars(quota), Money.ZERO, Money.ZERO, 0, 0,
                Instant.EPOCH, ConsumerRecord.AutoTotals.NONE, ConsumerRecord.RateLimits.NONE);
    }

    @Test
    void concurrentMissesForOneConsumerCollapseIntoOneLoad() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        QuotaCache cache = new QuotaCache(id -> {
            loads.incrementAndGet();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(consumer("4"));
        }, Duration.ofSeconds(10));
        List<Future<Optional<ConsumerRecord>>> results = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> cache.get("c1")));
            }
            Thread.sleep(100);
            release.countDown();
            for (Future<Optional<ConsumerRecord>> f : results) {
                assertThat(f.get().orElseThrow().quota()).isEqualTo(Money.ofDollars("4"));
            }
        }
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void entryExpiresAfterItsLifetime() {
        AtomicLong now = new AtomicLong();
        AtomicInteger loads = new AtomicInteger();
        QuotaCache cache = new QuotaCache(id -> {
            loads.incrementAndGet();
            return Optional.of(consumer("1"));
        }, Duration.ofSeconds(2), now::get);
        cache.get("c1");
        now.addAndGet(Duration.ofMillis(1999).toNanos());
        cache.get("c1");
        assertThat(loads.get()).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(2).toNanos());
        cache.get("c1");
        assertThat(loads.get()).isEqualTo(2);
    }

    @Test
    void invalidationDuringALoadKeepsTheLoadedValueOutOfTheCache() {
        AtomicInteger loads = new AtomicInteger();
        QuotaCache[] holder = new QuotaCache[1];
        holder[0] = new QuotaCache(id -> {
            if (loads.incrementAndGet() == 1) {
                holder[0].invalidate("c1");
                return Optional.of(consumer("1"));
            }
            return Optional.of(consumer("2"));
        }, Duration.ofSeconds(10));
        assertThat(holder[0].get("c1").orElseThrow().quota()).isEqualTo(Money.ofDollars("1"));
        assertThat(holder[0].get("c1").orElseThrow().quota()).isEqualTo(Money.ofDollars("2"));
    }

    @Test
    void failuresAreNotCached() {
        AtomicInteger loads = new AtomicInteger();
        QuotaCache cache = new QuotaCache(id -> {
            if (loads.incrementAndGet() == 1) {
                throw new StoreException("down", null);
            }
            return Optional.of(consumer("3"));
        }, Duration.ofSeconds(10));
        assertThatThrownBy(() -> cache.get("c1")).isInstanceOf(StoreException.class);
        assertThat(cache.get("c1")).isPresent();
    }
}
