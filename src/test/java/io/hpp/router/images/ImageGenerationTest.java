package io.hpp.router.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import io.hpp.router.store.RequestLogEntry;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.OpenApi;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.value.Money;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageGenerationTest {
    private FakeProvider fake;
    private TestRouter router;

    static String answer(int n, long input, long output) {
        return OpenAiWire.imagesAnswer(n, input, output);
    }

    @BeforeEach
    void start() {
        fake = new FakeProvider();
        router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk-img"));
    }

    @AfterEach
    void stop() {
        router.close();
        fake.close();
    }

    private TestRouter.Reply generate(String key, String body) {
        return router.send("POST", "/v1/images/generations", body, Map.of("Authorization", "Bearer " + key));
    }

    private Money used(String consumerId) {
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        return router.app().store().consumer(consumerId).orElseThrow().used();
    }

    @Test
    void defaultsAreAppliedTheAnswerPassesUnchangedAndTheCostIsExact() {
        TestRouter.Customer c = router.customer("5");
        String upstreamAnswer = answer(1, 50, 4160);
        fake.enqueue(FakeProvider.json(200, upstreamAnswer));

        TestRouter.Reply r = generate(c.key(), "{\"prompt\":\"A cute baby sea otter\",\"background\":\"transparent\",\"output_format\":\"webp\"}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(upstreamAnswer);
        assertThat(OpenApi.errors("ImageGenerationResponse", r.json())).isEmpty();
        assertThat(r.header("X-HPP-Router-Resolved-Model")).contains("gpt-image-1");
        FakeProvider.Received up = fake.last();
        assertThat(up.path()).isEqualTo("/v1/images/generations");
        assertThat(up.header("Authorization")).isEqualTo("Bearer sk-img");
        JsonNode sent = up.json();
        assertThat(sent.get("model").asText()).isEqualTo("gpt-image-1");
        assertThat(sent.get("n").asInt()).isEqualTo(1);
        assertThat(sent.get("size").asText()).isEqualTo("1024x1024");
        assertThat(sent.get("quality").asText()).isEqualTo("auto");
        assertThat(sent.get("background").asText()).isEqualTo("transparent");
        assertThat(sent.get("output_format").asText()).isEqualTo("webp");
        // 50 input × $10 + 4,160 output × $40, per 1M tokens
        assertThat(used(c.id())).isEqualTo(Money.ofDollars("0.1669"));
        RequestLogEntry row = router.app().store().requestLog(c.id(), 1).getFirst();
        assertThat(row.requestedModel()).isEqualTo("gpt-image-1");
        assertThat(row.usage().promptTokens()).isEqualTo(50);
        assertThat(row.usage().output()).isEqualTo(4160);
    }

    @Test
    void everyOutOfRangeFieldIsA400NamingIt() {
        TestRouter.Customer c = router.customer("5");
        Map<String, String> cases = Map.of(
                "{}", "prompt",
                "{\"prompt\":\"\"}", "prompt",
                "{\"prompt\":\"x\",\"n\":0}", "'n'",
                "{\"prompt\":\"x\",\"n\":5}", "'n'",
                "{\"prompt\":\"x\",\"n\":1.5}", "'n'",
                "{\"prompt\":\"x\",\"size\":\"256x256\"}", "size",
                "{\"prompt\":\"x\",\"quality\":\"ultra\"}", "quality",
                "{\"prompt\":\"x\",\"background\":1}", "background",
                "{\"prompt\":\"x\",\"model\":\"openai/gpt-5\"}", "not an enabled image model",
                "not json", "JSON");
        cases.forEach((body, mentions) -> {
            TestRouter.Reply r = generate(c.key(), body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("message").asText()).as(body).contains(mentions);
        });
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void quotaIsCheckedBeforeTheProviderIsCalled() {
        // n=4 high at 1024x1536 may produce 4 × 6,240 tokens = $0.9984 of output: a $0.50 balance cannot hold it
        TestRouter.Customer c = router.customer("0.5");
        TestRouter.Reply r = generate(c.key(), "{\"prompt\":\"x\",\"n\":4,\"quality\":\"high\",\"size\":\"1024x1536\"}");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.json().get("error").asText()).isEqualTo("quota_exceeded");
        assertThat(fake.received()).isEmpty();
        fake.enqueue(FakeProvider.json(200, answer(1, 10, 272)));
        assertThat(generate(c.key(), "{\"prompt\":\"x\",\"quality\":\"low\"}").status()).isEqualTo(200);
    }

    @Test
    void providerErrorsMapToTheStructuredEnvelope() {
        TestRouter.Customer c = router.customer("5");
        int[][] cases = {{400, 400}, {429, 429}, {500, 500}};
        for (int[] k : cases) {
            fake.enqueue(FakeProvider.json(k[0], "{\"error\":{\"message\":\"Your request was rejected by the safety system.\","
                    + "\"type\":\"image_generation_user_error\",\"param\":null,\"code\":\"moderation_blocked\"}}"));
            TestRouter.Reply r = generate(c.key(), "{\"prompt\":\"x\"}");
            assertThat(r.status()).isEqualTo(k[1]);
            assertThat(r.json().at("/error/provider").asText()).isEqualTo("openai");
            assertThat(r.json().at("/error/upstream_status").asInt()).isEqualTo(k[0]);
            assertThat(r.json().at("/error/retryable").asBoolean()).isEqualTo(k[0] != 400);
        }
        assertThat(used(c.id())).isEqualTo(Money.ZERO);
    }

    @Test
    void officialSdkGeneratesThroughTheRouter() {
        TestRouter.Customer c = router.customer("5");
        fake.enqueue(FakeProvider.json(200, answer(2, 12, 544)));
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(c.key()).baseUrl(router.baseUrl() + "/v1").maxRetries(0).build();
        try {
            ImagesResponse res = client.images().generate(ImageGenerateParams.builder().prompt("a lighthouse at dusk")
                    .model(ImageModel.GPT_IMAGE_1).n(2).quality(ImageGenerateParams.Quality.LOW).build());
            assertThat(res.data().orElseThrow()).hasSize(2);
            assertThat(res.data().orElseThrow().getFirst().b64Json()).isPresent();
            assertThat(res.usage().orElseThrow().outputTokens()).isEqualTo(544);
            assertThat(fake.last().json().get("quality").asText()).isEqualTo("low");
        } finally {
            client.close();
        }
    }

    @Test
    void modelWithControlCharactersIs400AndKeptOutOfTheRequestLog() {
        TestRouter.Customer c = router.customer("5");
        for (String model : java.util.List.of("gpt-image-1\\u0000", "gpt-\\u001bimage-1", "x".repeat(257))) {
            TestRouter.Reply r = generate(c.key(), "{\"prompt\":\"x\",\"model\":\"" + model + "\"}");
            assertThat(r.status()).as(model).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(model).isEqualTo("invalid_request");
            assertThat(r.json().get("message").asText()).as(model).contains("'model'");
        }
        assertThat(fake.received()).isEmpty();
        assertThat(router.app().flushRequestLog(10_000)).isTrue();
        for (RequestLogEntry row : router.app().store().requestLog(c.id(), 10)) {
            assertThat(row.requestedModel()).doesNotContainPattern("\\p{Cntrl}").hasSizeLessThanOrEqualTo(256);
        }
    }

    @Test
    void anAbsurdNumberInAPassThroughFieldIs400NotA500() {
        TestRouter.Customer c = router.customer("5");
        TestRouter.Reply r = generate(c.key(), "{\"prompt\":\"x\",\"moderation_threshold\":1e999999999}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains("moderation_threshold");
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void aProviderReportingMoreThanTheHoldIsChargedTheHold() {
        // n=2 low 1024x1024: the hold covers 2 × 272 output tokens; the provider reports 9223372036854775807 and then 10^12
        TestRouter.Customer c = router.customer("5");
        fake.enqueue(FakeProvider.json(200, answer(2, 12, 0).replace("\"output_tokens\":0", "\"output_tokens\":9223372036854775807")));
        fake.enqueue(FakeProvider.json(200, answer(2, 12, 1_000_000_000_000L)));
        for (int i = 0; i < 2; i++) {
            TestRouter.Reply r = generate(c.key(), "{\"prompt\":\"x\",\"n\":2,\"quality\":\"low\"}");
            assertThat(r.status()).isEqualTo(200);
        }
        // each charged its hold: prompt bound (1 byte + 256 = 257 tokens) × $10 + 2 × 272 × $40, per 1M tokens = $0.02433
        assertThat(used(c.id())).isEqualTo(Money.ofDollars("0.04866"));
        for (RequestLogEntry row : router.app().store().requestLog(c.id(), 10)) {
            assertThat(row.usage().output()).isLessThanOrEqualTo(1_000_000_000L);
        }
    }
}
