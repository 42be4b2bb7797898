package io.hpp.router.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hpp.router.common.Json;
import io.hpp.router.routing.PromptTokens;
import io.hpp.router.routing.RuleSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The token estimate behind smart-routing classification (the expensive part of a decision), for prompts of about
 * 100, 2,000 and 30,000 tokens: cold (a new estimator each time: every message tokenized) and as a follow-up turn of
 * a 20-turn conversation whose history is cached. Counting stops past the default ruleset's last boundary.
 * Run: bench/jmh.sh ClassificationBench
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClassificationBench {
    @Param({"100", "2000", "30000"})
    int tokens;

    private JsonNode singlePrompt;
    private JsonNode conversation;
    private long stopAbove;
    private PromptTokens warm;
    private int turn;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        stopAbove = 29_090;
        singlePrompt = messages(1, tokens);
        conversation = messages(20, tokens);
        warm = new PromptTokens();
        warm.estimate(conversation, stopAbove);
        RuleSet.parse(1, RuleSet.defaults());
    }

    /** ~tokens tokens of varied English text spread over {@code turns} messages. */
    static JsonNode messages(int turns, int tokens) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        String[] words = {"router", "quota", "stream", "token", "latency", "provider", "balance", "request", "model", "cache"};
        int perTurn = Math.max(1, tokens / turns);
        int w = 0;
        for (int t = 0; t < turns; t++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < perTurn; i++) {
                sb.append(words[w++ % words.length]).append(i % 17 == 0 ? ". " : " ");
            }
            arr.addObject().put("role", t % 2 == 0 ? "user" : "assistant").put("content", sb.toString() + t);
        }
        return arr;
    }

    /** Nothing cached: the prompt's text is new on every call, so all of it is tokenized (up to the stop). */
    @Benchmark
    public long cold() {
        ArrayNode fresh = ((ArrayNode) singlePrompt).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) fresh.get(0)).put("content", fresh.get(0).get("content").asText() + (turn++));
        return warm.estimate(fresh, stopAbove).tokens();
    }

    /** The 20-turn history is cached; the newest user message is new every time. */
    @Benchmark
    public long followUpTurnWithCachedHistory() {
        ArrayNode next = ((ArrayNode) conversation).deepCopy();
        next.addObject().put("role", "user").put("content", "And what about the quota of turn " + (turn++) + "?");
        return warm.estimate(next, stopAbove).tokens();
    }
}
