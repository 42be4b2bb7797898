package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.testing.TestRouter.Reply;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailClosedTest {
    @Test
    void quotaCheckAnswers503WhenTheDatabaseIsUnreachable() {
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_QUOTA_CACHE_TTL_MS", "0"))) {
            TestRouter.Customer c = router.customer("5");
            assertThat(router.get("/api/quota-check", Map.of("apikey", c.key())).status()).isEqualTo(200);

            router.app().store().close();

            Reply r = router.get("/api/quota-check", Map.of("apikey", c.key()));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("error").asText()).isEqualTo("quota_unavailable");
            assertThat(OpenApi.errors("ErrorEnvelope", r.json())).isEmpty();
            assertThat(r.body()).doesNotContain("Exception", "at io.");
        }
    }
}
