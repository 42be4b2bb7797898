package io.hpp.router.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.app.App;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.testing.TestPostgres;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class PgListenerTest {

    /** Sends {@code event} until the handler has seen it (the listener may not be listening yet); false after 10 s. */
    private static boolean deliver(Store store, Set<String> seen, String event) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            store.notifyNodes(event);
            Thread.sleep(100);
            if (seen.contains(event)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aHandlerThatThrowsAnErrorDoesNotStopTheListener() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        try (Store store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", url)))) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            try (AutoCloseable ignored = store.listen(event -> {
                seen.add(event);
                if (event.equals("boom")) {
                    throw new OutOfMemoryError("thrown by the test handler");
                }
            })) {
                assertThat(deliver(store, seen, "boom")).isTrue();
                assertThat(deliver(store, seen, "after")).as("events after the Error still arrive").isTrue();
            }
        }
    }
}
