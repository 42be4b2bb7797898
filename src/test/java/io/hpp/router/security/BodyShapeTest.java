package io.hpp.router.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.provider.anthropic.AnthropicMapper;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import io.hpp.router.wire.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 24, finding 4: a body within the size limit whose JSON holds far more elements than its size carries (each
 * element costs 50-100 bytes of tree) is refused with 413 while it is walked, before any tree is made of it — on every
 * path that reads a client's JSON: the chat walk, route preview, the image request, Anthropic's tool-call arguments.
 */
class BodyShapeTest {
    private static final int MIB = 1 << 20;

    private static void assertTooMuchJson(ApiException e) {
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.code()).isEqualTo("payload_too_large");
        assertThat(e.getMessage()).contains("JSON elements");
    }

    @ParameterizedTest
    @EnumSource(value = HostileShapes.class, names = "TOOL_CALL_ARGUMENTS", mode = EnumSource.Mode.EXCLUDE)
    void aChatBodyWithFarMoreJsonThanItsSizeCarriesIsRefusedWhileItIsWalked(HostileShapes shape) {
        assertThatThrownBy(() -> ChatRequest.parse(shape.chat("hpprouter/auto", MIB)))
                .isInstanceOfSatisfying(ApiException.class, BodyShapeTest::assertTooMuchJson);
    }

    @Test
    void anImageRequestWithFarMoreJsonThanItsSizeCarriesIsRefusedBeforeItsTreeIsMade() {
        assertThatThrownBy(() -> Json.requestObject(HostileShapes.EMPTY_OBJECTS.image(MIB)))
                .isInstanceOfSatisfying(ApiException.class, BodyShapeTest::assertTooMuchJson);
    }

    @Test
    void toolCallArgumentsHoldingFarMoreJsonThanTheirLengthAreNotTranslatedIntoATree() {
        // one string in the client's body: the walk counts it once; Anthropic's translation parses it into a tree
        ChatRequest req = ChatRequest.parse(HostileShapes.TOOL_CALL_ARGUMENTS.chat("anthropic/claude-sonnet-4", MIB));
        assertThatThrownBy(() -> AnthropicMapper.toUpstream(req.tree(), "claude-sonnet-4", 1024))
                .isInstanceOfSatisfying(ApiException.class, BodyShapeTest::assertTooMuchJson);
    }

    @Test
    void routePreviewChatAndImagesAnswerSuchABodyWith413InTheirEnvelope() {
        try (FakeProvider fake = new FakeProvider();
             TestRouter router = TestRouter.start(Map.of("OPENAI_BASE_URL", fake.baseUrl() + "/v1", "OPENAI_API_KEY", "sk"))) {
            fake.always((req, ex) -> (req.path().contains("/images/") ? FakeProvider.json(200, OpenAiWire.imagesAnswer(1, 3, 272))
                    : FakeProvider.json(200, OpenAiWire.completion("gpt-4o-mini", "ok", 3, 1, 0))).answer(req, ex));
            TestRouter.Customer c = router.customer("100");
            Map<String, String> auth = Map.of("apikey", c.key());
            String chat = new String(HostileShapes.EMPTY_OBJECTS.chat("hpprouter/auto", 2 * MIB), StandardCharsets.UTF_8);
            String image = new String(HostileShapes.EMPTY_OBJECTS.image(2 * MIB), StandardCharsets.UTF_8);
            for (TestRouter.Reply r : new TestRouter.Reply[] {router.send("POST", "/api/route-preview", chat, auth),
                    router.send("POST", "/llm/v1/chat/completions", chat, auth), router.send("POST", "/v1/images/generations", image, auth)}) {
                assertThat(r.status()).as(r.body()).isEqualTo(413);
                JsonNode error = r.json();
                assertThat(error.get("error").asText()).isEqualTo("payload_too_large");
                assertThat(error.get("message").asText()).contains("JSON elements");
            }
            assertThat(fake.received()).isEmpty();
        }
    }
}
