package io.hpp.router.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dialect's entry points beyond the golden files: parsing the client's bytes, and stream and answer agreeing. */
class ResponsesDialectTest {
    @Test
    void parseGivesTheClientsBodyAndAChatRequestWithTheCapInBothFields() {
        byte[] raw = """
                {"model":"openai/gpt-5","input":"hi","max_output_tokens":300,"stream":true,"store":false}
                """.getBytes(StandardCharsets.UTF_8);
        ResponsesToChat.Parsed p = ResponsesToChat.parse(raw);
        assertThat(p.body().tree().get("max_output_tokens").asInt()).isEqualTo(300);
        assertThat(p.chat().model()).isEqualTo("openai/gpt-5");
        assertThat(p.chat().stream()).isTrue();
        assertThat(p.chat().includeUsage()).isTrue();
        assertThat(p.chat().outputCap()).contains(300L);
        assertThat(p.chat().tree().get("max_tokens").asInt()).isEqualTo(300);
        assertThat(p.chat().tree().get("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(p.dropped()).containsExactly("store");
    }

    @Test
    void parseRefusesABodyWithoutAModelOrNotJson() {
        assertThatThrownBy(() -> ResponsesToChat.parse("{\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("model: a string naming the model is required");
                });
        assertThatThrownBy(() -> ResponsesToChat.parse("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("invalid_request"));
    }

    /** The stream's last event carries the response object the non-streamed answer to the same completion is. */
    @Test
    void aStreamEndsWithTheResponseTheAnswerGives() throws IOException, URISyntaxException {
        for (String name : List.of("text-then-call-streamed", "two-calls-streamed", "namespace-tools", "length-streamed")) {
            Path dir = Path.of(getClass().getResource("/golden/responses/" + name).toURI());
            List<StreamShape.Sse> events = StreamShape.parse(ResponsesGoldenTest.translatedStream(dir));
            JsonNode streamed = events.get(events.size() - 1).data().get("response");
            ObjectNode answer = ChatToResponses.answer(completion(events), ResponsesGoldenTest.request(dir),
                    ResponsesGoldenTest.CREATED_AT, ResponsesGoldenTest.counter());
            assertThat(ResponsesGoldenTest.normal(answer)).as(name).isEqualTo(streamed);
        }
    }

    /** The chat completion the stream's events stand for, rebuilt from them: text, calls, finish reason and usage. */
    private static ObjectNode completion(List<StreamShape.Sse> events) {
        JsonNode response = events.get(events.size() - 1).data().get("response");
        ObjectNode completion = Json.object();
        ObjectNode choice = completion.putArray("choices").addObject();
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        for (JsonNode item : response.get("output")) {
            if (item.get("type").asText().equals("message")) {
                message.put("content", item.path("content").path(0).path("text").asText());
            } else {
                String name = item.path("namespace").isTextual()
                        ? ToolNames.flat(item.get("namespace").asText(), item.get("name").asText()) : item.get("name").asText();
                ObjectNode call = (message.has("tool_calls") ? (com.fasterxml.jackson.databind.node.ArrayNode) message.get("tool_calls")
                        : message.putArray("tool_calls")).addObject();
                call.put("id", item.get("call_id").asText()).put("type", "function");
                call.putObject("function").put("name", name).put("arguments", item.get("arguments").asText());
            }
        }
        choice.put("finish_reason", response.get("status").asText().equals("incomplete") ? "length" : "stop");
        JsonNode u = response.get("usage");
        ObjectNode usage = completion.putObject("usage");
        usage.put("prompt_tokens", u.get("input_tokens").asLong()).put("completion_tokens", u.get("output_tokens").asLong());
        usage.putObject("prompt_tokens_details").put("cached_tokens", u.path("input_tokens_details").path("cached_tokens").asLong());
        usage.putObject("completion_tokens_details")
                .put("reasoning_tokens", u.path("output_tokens_details").path("reasoning_tokens").asLong());
        return completion;
    }

    @Test
    void namespacedNamesJoinAsCodexJoinsThemAndComeBackOnlyWhenDeclared() throws IOException {
        assertThat(ToolNames.flat("multi_agent_v1", "spawn_agent")).isEqualTo("multi_agent_v1__spawn_agent");
        assertThat(ToolNames.flat("crm_", "_lookup")).isEqualTo("crm__lookup");
        ToolNames names = ToolNames.of(Json.readTree("""
                {"tools":[{"type":"namespace","name":"crm_","tools":[{"type":"function","name":"_lookup"}]},
                          {"type":"function","name":"a__b"}]}"""));
        assertThat(names.restore("crm__lookup")).isEqualTo(new ToolNames.Name("_lookup", Optional.of("crm_")));
        assertThat(names.restore("a__b")).isEqualTo(new ToolNames.Name("a__b", Optional.empty()));
        assertThat(names.restore("other__x")).isEqualTo(new ToolNames.Name("other__x", Optional.empty()));
    }

    @Test
    void theDefaultIdsAndTimeAreOpenAIsShape() {
        ObjectNode request = (ObjectNode) Json.MAPPER.createObjectNode().put("model", "m").put("input", "hi");
        ObjectNode completion = Json.object();
        completion.putArray("choices").addObject().put("finish_reason", "stop").putObject("message").put("content", "ok");
        long before = System.currentTimeMillis() / 1000;
        ObjectNode answer = ChatToResponses.answer(completion, request);
        assertThat(answer.get("id").asText()).startsWith("resp_").hasSize(5 + 9 + 39);
        assertThat(answer.get("output").get(0).get("id").asText()).startsWith("msg_");
        assertThat(answer.get("created_at").asLong()).isBetween(before, before + 5);
        assertThat(answer.get("usage").isNull()).as("no usage reported, none made up").isTrue();
        List<ResponsesEvent> events = new ChatToResponsesStream(request).end();
        assertThat(events).extracting(ResponsesEvent::type).containsExactly("response.created", "response.in_progress", "response.failed");
        assertThat(new String(events.get(2).sse(), StandardCharsets.UTF_8)).startsWith("event: response.failed\ndata: {\"type\":\"response.failed\"")
                .endsWith("}\n\n");
    }
}
