package io.hpp.router.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A conversation's opening hash: the same for each of its turns, whatever comes before or after the messages. */
class OpeningTest {
    private static final String SYSTEM = "{\"role\":\"system\",\"content\":\"You are terse.\"}";
    private static final String FIRST = "{\"role\":\"user\",\"content\":\"What is 2+2?\"}";

    private static long hash(String body) {
        return ChatRequest.parse(body.getBytes(StandardCharsets.UTF_8)).body().openingHash();
    }

    @Test
    void everyTurnOfAConversationHasTheSameOpening() {
        long first = hash("{\"model\":\"m\",\"messages\":[" + SYSTEM + "," + FIRST + "]}");
        long third = hash("{\"stream\":false,\"model\":\"a-longer-model-name\",\"messages\":[" + SYSTEM + "," + FIRST
                + ",{\"role\":\"assistant\",\"content\":\"4\"},{\"role\":\"user\",\"content\":\"And 3+3?\"}],\"max_tokens\":5}");
        assertThat(first).isNotZero().isEqualTo(third);
    }

    @Test
    void anotherSystemPromptOrFirstQuestionIsAnotherConversation() {
        long base = hash("{\"model\":\"m\",\"messages\":[" + SYSTEM + "," + FIRST + "]}");
        long otherSystem = hash("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"You are verbose.\"}," + FIRST + "]}");
        long otherQuestion = hash("{\"model\":\"m\",\"messages\":[" + SYSTEM + ",{\"role\":\"user\",\"content\":\"What is 3+3?\"}]}");
        assertThat(otherSystem).isNotEqualTo(base);
        assertThat(otherQuestion).isNotEqualTo(base).isNotEqualTo(otherSystem);
    }

    @Test
    void theOpeningEndsAtTheFirstUserMessageWhateverItsFieldOrder() {
        String user = "{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"role\":\"user\",\"name\":\"x\"}";
        long one = hash("{\"model\":\"m\",\"messages\":[" + user + "]}");
        long two = hash("{\"model\":\"m\",\"messages\":[" + user + ",{\"role\":\"assistant\",\"content\":\"hello\"},"
                + "{\"role\":\"user\",\"content\":\"more\"}]}");
        assertThat(one).isNotZero().isEqualTo(two);
    }

    @Test
    void aBodyMadeAsATreeHashesItsMessagesJson() throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) io.hpp.router.common.Json.readTree(
                "{\"model\":\"m\",\"messages\":[" + SYSTEM + "," + FIRST + ",{\"role\":\"assistant\",\"content\":\"4\"}]}");
        var shorter = (com.fasterxml.jackson.databind.node.ObjectNode) io.hpp.router.common.Json.readTree(
                "{\"model\":\"m\",\"messages\":[" + SYSTEM + "," + FIRST + "]}");
        assertThat(ChatBody.of(tree).openingHash()).isNotZero().isEqualTo(ChatBody.of(shorter).openingHash());
        assertThat(ChatBody.of(tree).openingHash()).isNotEqualTo(hash("{\"model\":\"m\",\"messages\":[" + SYSTEM + "]}"));
    }
}
