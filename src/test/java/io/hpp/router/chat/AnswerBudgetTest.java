package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Non-streamed answers read whole are held within the router's answer budget until their request ends: an answer that
 * does not fit waits for room (the provider has already charged for it), and past the wait gets 503 overloaded.
 */
class AnswerBudgetTest extends ChatTestBase {
    private static final String TEXT = "y".repeat(80_000);
    private static final byte[] ANSWER = OpenAiWire.completion("gpt-5", TEXT, 5, 20, 0).getBytes(StandardCharsets.UTF_8);

    @Override
    Map<String, String> extraEnv() {
        return Map.of("HPP_ROUTER_MAX_IN_FLIGHT_ANSWER_BYTES", "100000", "HPP_ROUTER_ANSWER_MEMORY_WAIT_MS", "1000",
                "OPENAI_IDLE_TIMEOUT_MS", "5000");
    }

    /** An 80 KB answer whose Content-Length comes at once and whose second half comes {@code pauseMillis} later. */
    private static FakeProvider.Script trickling(long pauseMillis) {
        return (req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, ANSWER.length);
            OutputStream out = ex.getResponseBody();
            out.write(Arrays.copyOf(ANSWER, ANSWER.length / 2));
            out.flush();
            Thread.sleep(pauseMillis);
            out.write(ANSWER, ANSWER.length / 2, ANSWER.length - ANSWER.length / 2);
        };
    }

    /**
     * Starts a request whose 80 KB answer trickles in with a pause of {@code pauseMillis}, once the router holds its
     * Content-Length; the next request's answer is the same 80 KB, sent at once.
     */
    private CompletableFuture<TestRouter.Reply> holdingRequest(TestRouter.Customer c, long pauseMillis) throws InterruptedException {
        fake.enqueue(trickling(pauseMillis));
        fake.enqueue(FakeProvider.json(200, new String(ANSWER, StandardCharsets.UTF_8)));
        CompletableFuture<TestRouter.Reply> holding = CompletableFuture.supplyAsync(() -> chat(c.key(), body("openai/gpt-5", "")));
        long deadline = System.currentTimeMillis() + 10_000;
        while (answerBytesHeld() < ANSWER.length && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(answerBytesHeld()).as("the router holds the first answer's Content-Length").isEqualTo(ANSWER.length);
        return holding;
    }

    private long answerBytesHeld() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^hpp_answer_bytes_held (\\S+)$")
                .matcher(router.get("/metrics", Map.of()).body());
        assertThat(m.find()).as("the gauge is exported").isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void anAnswerThatDoesNotFitWaitsUntilTheHoldingRequestEnds() throws Exception {
        TestRouter.Customer c = router.customer("10");
        CompletableFuture<TestRouter.Reply> holding = holdingRequest(c, 600);

        long t0 = System.nanoTime();
        TestRouter.Reply waited = chat(c.key(), body("openai/gpt-5", ""));
        long waitedMillis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.json().at("/choices/0/message/content").asText()).isEqualTo(TEXT);
        assertThat(holding.get().status()).isEqualTo(200);
        assertThat(holding.get().json().at("/choices/0/message/content").asText()).isEqualTo(TEXT);
        assertThat(waitedMillis).as("the second answer was held back until the first request ended").isGreaterThanOrEqualTo(300);
        assertThat(fake.received()).hasSize(2);
        assertThat(log(c.id())).hasSize(2).allSatisfy(row -> assertThat(row.status()).isEqualTo(200));
        assertThat(answerBytesHeld()).as("all given back").isZero();
        assertLedgerBalanced(c.id());
    }

    @Test
    void anAnswerThatFindsNoRoomWithinTheWaitGets503AndIsNotCharged() throws Exception {
        TestRouter.Customer c = router.customer("10");
        CompletableFuture<TestRouter.Reply> holding = holdingRequest(c, 2_500);

        TestRouter.Reply refused = chat(c.key(), body("openai/gpt-5", ""));

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("error").asText()).isEqualTo("overloaded");
        assertThat(refused.json().get("message").asText())
                .isEqualTo("The router held its limit of 97 KiB of answers for 1000 ms while this answer waited; retry shortly");
        assertThat(refused.header("Retry-After")).contains("1");
        assertThat(fake.received()).as("refused after the provider answered, and not sent again").hasSize(2);
        assertThat(holding.get().status()).isEqualTo(200);
        fake.enqueue(FakeProvider.json(200, new String(ANSWER, StandardCharsets.UTF_8)));
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).as("the room is back once the holder ended").isEqualTo(200);
        assertThat(log(c.id())).extracting(row -> row.status()).containsExactlyInAnyOrder(200, 503, 200);
        assertThat(log(c.id())).filteredOn(row -> row.status() == 503).singleElement()
                .satisfies(row -> assertThat(row.cost()).as("not charged").isEqualTo(Money.ZERO));
        assertThat(fake.received()).hasSize(3);
        assertLedgerBalanced(c.id());
    }
}
