package io.hpp.router.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.messages.ChatToMessages;
import io.hpp.router.dialect.messages.MessagesToChat;
import io.hpp.router.provider.anthropic.AnthropicMapper;
import io.hpp.router.wire.ChatRequest;
import io.hpp.router.wire.Completion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the Messages API costs on top of the chat path, for a 20-turn conversation (~31 KB, as HotPathBench's): the chat
 * path's own work (parse and check the body; scan the answer, read its usage, rename the model) against the Messages
 * path's (the same request as Anthropic's Messages body: walked, translated, parsed as chat; the chat answer turned into
 * a Messages answer; again with each turn's content a text block, as Claude Code sends it), and the chat path's own
 * translation for Anthropic, its mirror image. Run: bench/jmh.sh MessagesBench
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MessagesBench {
    private byte[] chatBody;
    private byte[] messagesBody;
    private byte[] messagesBlocksBody;
    private byte[] answer;
    private byte[] anthropicAnswer;

    @Setup
    public void setup() {
        StringBuilder turns = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            turns.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"").append(("Turn " + i + " of a long conversation about routing. ").repeat(30)).append("\"}");
        }
        turns.append("]");
        chatBody = ("{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + turns.substring(1) + ",\"max_tokens\":1024,\"stream\":true}").getBytes(StandardCharsets.UTF_8);
        messagesBody = ("{\"model\":\"openai/gpt-5\",\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\"}],\"messages\":" + turns
                + ",\"max_tokens\":1024,\"stream\":true}").getBytes(StandardCharsets.UTF_8);
        // the same conversation as Claude Code writes it: every content a text block, marked for the prompt cache
        StringBuilder blocks = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            blocks.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":[{\"type\":\"text\",\"text\":\"").append(("Turn " + i + " of a long conversation about routing. ").repeat(30))
                    .append("\",\"cache_control\":{\"type\":\"ephemeral\"}}]}");
        }
        blocks.append("]");
        messagesBlocksBody = ("{\"model\":\"openai/gpt-5\",\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":" + blocks + ",\"max_tokens\":1024,\"stream\":true}")
                .getBytes(StandardCharsets.UTF_8);
        answer = ("{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\",\"created\":1741569952,"
                + "\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Hello! How can I assist you today?\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}}}").getBytes(StandardCharsets.UTF_8);
        anthropicAnswer = ("{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hello! How can I assist you today?\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":19,\"output_tokens\":10}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The chat path: the request parsed and checked, the answer scanned and renamed. */
    @Benchmark
    public Object chatRequestAndAnswer() {
        ChatRequest r = ChatRequest.parse(chatBody);
        Completion c = Completion.scan(answer).orElseThrow();
        return new Object[] {r, c.usage(), c.withModel("openai/gpt-5")};
    }

    /** The Messages path: the Messages body walked, translated and parsed as chat; the chat answer made a Messages one. */
    @Benchmark
    public Object messagesRequestAndAnswer() throws IOException {
        MessagesToChat.Parsed p = MessagesToChat.parse(messagesBody, false);
        Completion c = Completion.scan(answer).orElseThrow();
        byte[] renamed = c.withModel("openai/gpt-5");
        ObjectNode out = ChatToMessages.answer((ObjectNode) Json.readTree(renamed), "openai/gpt-5");
        return new Object[] {p, c.usage(), Json.bytes(out)};
    }

    /** As {@link #messagesRequestAndAnswer}, each turn's content a text block with cache_control (Claude Code's shape). */
    @Benchmark
    public Object messagesBlocksRequestAndAnswer() throws IOException {
        MessagesToChat.Parsed p = MessagesToChat.parse(messagesBlocksBody, false);
        Completion c = Completion.scan(answer).orElseThrow();
        byte[] renamed = c.withModel("openai/gpt-5");
        ObjectNode out = ChatToMessages.answer((ObjectNode) Json.readTree(renamed), "openai/gpt-5");
        return new Object[] {p, c.usage(), Json.bytes(out)};
    }

    /**
     * The chat path's own translation, the mirror of the Messages one: the same chat request parsed, its tree made and
     * translated for Anthropic and written; an Anthropic answer translated back to a chat completion and written.
     */
    @Benchmark
    public Object chatRequestAndAnswerTranslatedForAnthropic() throws IOException {
        ChatRequest r = ChatRequest.parse(chatBody);
        byte[] up = Json.bytes(AnthropicMapper.toUpstream(r.tree(), "claude-sonnet-4-20250514", 4096));
        ObjectNode back = AnthropicMapper.fromUpstream(Json.readTree(anthropicAnswer), 1741569952L);
        return new Object[] {up, Json.bytes(back)};
    }

    /** The request half alone, for the breakdown. */
    @Benchmark
    public Object messagesRequest() {
        return MessagesToChat.parse(messagesBody, false);
    }

    @Benchmark
    public Object messagesBlocksRequest() {
        return MessagesToChat.parse(messagesBlocksBody, false);
    }

    @Benchmark
    public Object chatRequest() {
        return ChatRequest.parse(chatBody);
    }
}
