package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, pointed at the router, works unchanged. */
class OpenAiSdkTest extends ChatTestBase {

    @Test
    void officialSdkListsModelsAndCompletesWithAndWithoutStreaming() {
        TestRouter.Customer c = router.customer("10");
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(c.key()).baseUrl(router.baseUrl() + "/llm/v1").maxRetries(0).build();
        try {
            List<String> ids = client.models().list().data().stream().map(Model::id).toList();
            assertThat(ids).contains("hpprouter/auto", "openai/gpt-5", "ollama/gpt-oss:120b");

            fake.enqueue(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "Hello from the fake", 11, 5, 0)));
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("openai/gpt-5").addUserMessage("Hi").build();
            ChatCompletion cc = client.chat().completions().create(params);
            assertThat(cc.choices().getFirst().message().content()).contains("Hello from the fake");
            assertThat(cc.model()).isEqualTo("openai/gpt-5");
            assertThat(cc.usage().orElseThrow().totalTokens()).isEqualTo(16);
            assertThat(fake.last().json().get("model").asText()).isEqualTo("gpt-5");

            fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-5", List.of("Str", "eamed"), 11, 2)));
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                s.stream().forEach(ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
            }
            assertThat(text.toString()).isEqualTo("Streamed");
            assertThat(fake.last().json().at("/stream_options/include_usage").asBoolean()).isTrue();
            assertLedgerBalanced(c.id());
        } finally {
            client.close();
        }
    }
}
