package io.hpp.router.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.billing.CostCalculator;
import io.hpp.router.common.Json;
import io.hpp.router.routing.TokenEstimator;
import io.hpp.router.value.Money;
import io.hpp.router.value.Price;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.ChatRequest;
import io.hpp.router.wire.Completion;
import io.hpp.router.wire.StreamChunk;
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
 * The pure-Java steps every chat request takes: parsing and validating the body, the cheap input bound, pricing
 * the usage, relaying one SSE event (scan, rename the model, drop usage:null; and the same through a tree), and
 * relaying one non-streamed answer (scan, read its usage, rename the model; and the same through a tree), and
 * building and writing the body of one upstream attempt for a 20-turn conversation.
 * Run: bench/jmh.sh HotPathBench
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HotPathBench {
    private byte[] body;
    private byte[] event;
    private byte[] answer;
    private final byte[] model = Json.bytes("openai/gpt-5");
    private ChatRequest parsed;
    private io.hpp.router.wire.ChatBody conversation;
    private io.hpp.router.wire.ChatBody conversationTree;
    private io.hpp.router.wire.ChatBody parsedTree;
    private byte[] conversationBytes;
    private final TokenEstimator estimator = new TokenEstimator(new io.hpp.router.routing.PromptTokens());
    private final Price price = Price.of("1.25", "10", null, "0.125");
    private final TokenUsage usage = new TokenUsage(1200, 350, 0, 400);

    @Setup
    public void setup() {
        body = ("{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
                + "{\"role\":\"user\",\"content\":\"Summarise the following text in three bullet points: "
                + "The router sits in front of every request and must add as little as it can.\"}],"
                + "\"temperature\":0.2,\"max_tokens\":256,\"stream\":true}").getBytes(StandardCharsets.UTF_8);
        event = ("{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-5\","
                + "\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" Hello\"},"
                + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}").getBytes(StandardCharsets.UTF_8);
        answer = ("{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\",\"created\":1741569952,"
                + "\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Hello! How can I assist you today?\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_44709d6fcb\"}").getBytes(StandardCharsets.UTF_8);
        parsed = ChatRequest.parse(body);
        // a 20-turn conversation of ~1.5 KB a message (~31 KB), as chat clients resend their history every turn
        StringBuilder history = new StringBuilder("{\"model\":\"openai/gpt-5\",\"messages\":[");
        for (int i = 0; i < 20; i++) {
            history.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"").append(("Turn " + i + " of a long conversation about routing. ").repeat(30)).append("\"}");
        }
        conversationBytes = history.append("],\"stream\":true}").toString().getBytes(StandardCharsets.UTF_8);
        conversation = ChatRequest.parse(conversationBytes).body();
        conversationTree = io.hpp.router.wire.ChatBody.of(conversation.tree());
        parsedTree = io.hpp.router.wire.ChatBody.of(parsed.tree());
    }







    /** Parsing and validating that conversation: what every request of it costs before anything is sent. */
    @Benchmark
    public ChatRequest parseConversation() {
        return ChatRequest.parse(conversationBytes);
    }

    /**
     * The body sent upstream for one attempt of a 20-turn conversation: the members the gateway sets written, the
     * client's other members (the messages) taken as ranges of its bytes, all copied into a send buffer as the
     * provider connection does.
     */
    @Benchmark
    public int upstreamBodyOfConversation() {
        return send(io.hpp.router.provider.openai.OpenAiCompatibleProvider.chatBody(conversation, "gpt-5", true));
    }

    /** The body sent upstream for a one-question request (the load benchmark's). */
    @Benchmark
    public int upstreamBodyOfShortRequest() {
        return send(io.hpp.router.provider.openai.OpenAiCompatibleProvider.chatBody(parsed.body(), "gpt-4o-mini", true));
    }

    /** The same written whole from the tree. */
    @Benchmark
    public int upstreamBodyOfShortRequestFromTree() {
        return send(io.hpp.router.provider.openai.OpenAiCompatibleProvider.chatBody(parsedTree, "gpt-4o-mini", true));
    }

    private final byte[] sendBuffer = new byte[64 * 1024];

    private int send(io.hpp.router.wire.BodyParts body) {
        return body.copyTo(sendBuffer, 0);
    }

    /** The same body written whole from the tree, as for a body the client's bytes cannot be used for (and before). */
    @Benchmark
    public int upstreamBodyOfConversationFromTree() {
        return send(io.hpp.router.provider.openai.OpenAiCompatibleProvider.chatBody(conversationTree, "gpt-5", true));
    }

    @Benchmark
    public ChatRequest parseAndValidate() {
        return ChatRequest.parse(body);
    }

    @Benchmark
    public long inputBound() {
        return estimator.bound(parsed);
    }

    @Benchmark
    public Money cost() {
        return CostCalculator.cost(price, usage);
    }

    /** What the relay does with a common chunk: one token scan, the model renamed and usage:null dropped by copying. */
    @Benchmark
    public byte[] relayOneSseEvent() {
        return StreamChunk.scan(event).orElseThrow().rewritten(model, false);
    }

    /** The general path (a tree), which unusual chunks still take. */
    @Benchmark
    public byte[] relayOneSseEventAsTree() throws Exception {
        ObjectNode chunk = (ObjectNode) Json.MAPPER.readTree(event);
        chunk.remove("usage");
        chunk.put("model", "openai/gpt-5");
        return Json.bytes(chunk);
    }

    /** What the relay does with a common non-streamed answer: one scan, its usage read, the model renamed by copying. */
    @Benchmark
    public byte[] relayOneAnswer() {
        Completion c = Completion.scan(answer).orElseThrow();
        return c.usage() == null ? answer : c.withModel("openai/gpt-5");
    }

    /** The same through a tree: parsed whole, usage read, the model set and the tree written again. */
    @Benchmark
    public byte[] relayOneAnswerAsTree() throws Exception {
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(answer);
        return tree.get("usage") == null ? answer : Completion.of(tree).withModel("openai/gpt-5");
    }
}
