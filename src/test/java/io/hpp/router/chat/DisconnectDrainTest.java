package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** After a client hangs up, the provider's stream is read for its usage only for a bounded time (here 300 ms). */
class DisconnectDrainTest extends ChatTestBase {
    @Override
    Map<String, String> extraEnv() {
        return Map.of("HPP_ROUTER_DISCONNECT_DRAIN_MS", "300");
    }

    @Test
    void aProviderThatDoesNotReportUsageWithinTheDrainTimeIsCutAndTheHoldIsCharged() throws Exception {
        TestRouter.Customer c = router.customer("10");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            words.add("w" + i + " ");
        }
        fake.enqueue(fake.sse(50, OpenAiWire.textStream("gpt-5", words, 10, 200)));  // 10 s before its usage

        HttpRequest req = HttpRequest.newBuilder(URI.create(router.baseUrl() + "/llm/v1/chat/completions"))
                .header("apikey", c.key()).POST(HttpRequest.BodyPublishers.ofString(body("openai/gpt-5",
                        ",\"stream\":true,\"max_completion_tokens\":1000")))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            in.readNBytes(200);
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (fake.eventsWrittenBeforeAbort.get() < 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }

        assertThat(fake.eventsWrittenBeforeAbort.get()).as("the provider's stream was cut after the drain time").isBetween(1, 100);
        RequestLogEntry row = log(c.id()).getFirst();
        assertThat(row.errorCode()).contains("client_disconnected");
        // the hold: 1,000 output tokens × $10 per 1M, plus the input bound's (a few hundred tokens at $1.25 per 1M)
        assertThat(row.cost()).isGreaterThanOrEqualTo(Money.ofDollars("0.01")).isLessThan(Money.ofDollars("0.011"));
        assertLedgerBalanced(c.id());
    }
}
