package io.hpp.router.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.messages.ChatToMessagesStream;
import io.hpp.router.dialect.messages.MessagesEvent;
import io.hpp.router.dialect.responses.ChatToResponses;
import io.hpp.router.dialect.responses.ChatToResponsesStream;
import io.hpp.router.dialect.responses.ResponsesEvent;
import io.hpp.router.dialect.responses.ResponsesToChat;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.ChatRequest;
import io.hpp.router.wire.Completion;
import io.hpp.router.wire.StreamChunk;
import io.hpp.router.wire.UsageReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the Responses API (issue 27) costs on top of the chat path, per whole stream and per answer. The stream is
 * bench/FastUpstream's: 20 content chunks, a finish_reason chunk and a usage chunk. The chat path's relay
 * (chat/StreamRelay) scans each chunk and rewrites its bytes (model renamed, usage:null dropped), the usage chunk read as
 * a tree and held back; the translated paths start where the relay's bytes reach their channel (relayed with the usage
 * kept, as both dialects ask for it): each chunk read as a tree and fed to the dialect's stream, its end, every event's
 * SSE bytes (http/ResponsesChannel, http/MessagesChannel). A translated stream costs the relay plus its translation. The
 * Responses stream answers a Codex-like request (docs/research/codex-offline.md §4: a ~17.6 KB developer message, two
 * user messages, 9 tools), whose settings and tools every response event echoes. Per request: that request parsed and
 * translated against the same request as chat. Per answer: the chat answer (already scanned and renamed by the chat
 * path) read, made a response and written, against the chat path's scan and rename.
 * Run: bench/jmh.sh ResponsesBench
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResponsesBench {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private final byte[] quotedModel = Json.bytes("openai/gpt-5");
    /** The provider's chunks, as FastUpstream sends them. */
    private final List<byte[]> chunks = new ArrayList<>();
    /** The same chunks as the relay hands them to a translating channel (model renamed, usage kept). */
    private final List<byte[]> relayed = new ArrayList<>();
    private byte[] responsesBody;
    private byte[] chatBody;
    private ObjectNode responsesRequest;
    private byte[] answer;
    private byte[] renamedAnswer;

    @Setup
    public void setup() throws IOException {
        String head = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";
        for (int i = 0; i < 20; i++) {
            chunks.add((head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"},\"finish_reason\":null}],\"usage\":null}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        chunks.add((head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}").getBytes(StandardCharsets.UTF_8));
        chunks.add((head + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":20,\"total_tokens\":32}}")
                .getBytes(StandardCharsets.UTF_8));
        for (byte[] c : chunks) {
            Optional<StreamChunk> scanned = StreamChunk.scan(c);
            if (scanned.isPresent()) {
                relayed.add(scanned.get().rewritten(quotedModel, true));
            } else {
                ObjectNode tree = (ObjectNode) Json.readTree(c);
                relayed.add(Json.bytes(tree.put("model", "openai/gpt-5")));
            }
        }
        responsesBody = codexRequest().getBytes(StandardCharsets.UTF_8);
        ResponsesToChat.Parsed parsed = ResponsesToChat.parse(responsesBody);
        responsesRequest = parsed.body().tree();
        // the same request as a chat client would send it
        chatBody = Json.bytes(ResponsesToChat.request(responsesRequest));
        ChatRequest.parse(chatBody);
        answer = ("{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\",\"created\":1741569952,"
                + "\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Hello! How can I assist you today?\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}}}").getBytes(StandardCharsets.UTF_8);
        renamedAnswer = Completion.scan(answer).orElseThrow().withModel("openai/gpt-5");
        if (responsesStreamTranslated().size() < 20 || messagesStreamTranslated().size() < 20) {
            throw new IllegalStateException("a translated stream made fewer events than it had content chunks");
        }
    }

    /** Codex's request body as observed (docs/research/codex-offline.md §4), its prompt and tool descriptions made up. */
    private static String codexRequest() {
        String prompt = "You are a coding agent running in the Codex CLI, a terminal-based coding assistant.\\n".repeat(200);
        StringBuilder tools = new StringBuilder();
        for (String name : new String[] {"exec_command", "write_stdin", "request_user_input", "view_image"}) {
            tools.append(function(name)).append(',');
        }
        tools.append("{\"type\":\"namespace\",\"name\":\"multi_agent_v1\",\"tools\":[");
        String[] agents = {"close_agent", "resume_agent", "send_input", "spawn_agent", "wait_agent"};
        for (int i = 0; i < agents.length; i++) {
            tools.append(i == 0 ? "" : ",").append(function(agents[i]));
        }
        tools.append("]},");
        for (String name : new String[] {"get_goal", "create_goal", "update_goal"}) {
            tools.append(function(name)).append(',');
        }
        tools.append("{\"type\":\"web_search\",\"external_web_access\":false}");
        return "{\"model\":\"openai/gpt-5\",\"stream\":true,\"input\":["
                + "{\"type\":\"message\",\"id\":\"msg_dev1\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"" + prompt + "\"}]},"
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"<environment_context>\\n  <cwd>/work</cwd>\\n"
                + "  <shell>bash</shell>\\n  <current_date>2026-05-01</current_date>\\n</environment_context>\"}]},"
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Run cat notes.txt and tell me the secret word\"}]}],"
                + "\"tools\":[" + tools + "],\"tool_choice\":\"auto\",\"parallel_tool_calls\":true,\"reasoning\":{\"summary\":\"auto\"},"
                + "\"store\":false,\"include\":[\"reasoning.encrypted_content\"],\"prompt_cache_key\":\"0196a0c4-5b1e-7c3d-9f00-1234567890ab\","
                + "\"client_metadata\":{\"session_id\":\"0196a0c4-5b1e-7c3d-9f00-1234567890ab\",\"turn_id\":\"1\"}}";
    }

    /** A function tool shaped like Codex's exec_command: a description and a ten-property schema. */
    private static String function(String name) {
        return "{\"type\":\"function\",\"name\":\"" + name + "\",\"description\":\"Runs a command in a PTY, returning output or a "
                + "session ID for ongoing interaction.\",\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
                + "\"cmd\":{\"type\":\"string\",\"description\":\"Shell command to execute.\"},\"justification\":{\"type\":\"string\"},"
                + "\"login\":{\"type\":\"boolean\"},\"max_output_tokens\":{\"type\":\"number\"},\"prefix_rule\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\"}},\"sandbox_permissions\":{\"type\":\"string\",\"enum\":[\"use_default\",\"require_escalated\"]},"
                + "\"shell\":{\"type\":\"string\"},\"tty\":{\"type\":\"boolean\"},\"workdir\":{\"type\":\"string\"},\"yield_time_ms\":{\"type\":\"number\"}},"
                + "\"required\":[\"cmd\"],\"additionalProperties\":false}}";
    }

    /**
     * The chat path's relay of the whole stream to a client that did not ask for usage: each chunk scanned and its
     * bytes rewritten; the usage chunk, which the scan leaves, read as a tree, its usage taken and the chunk held back.
     */
    @Benchmark
    public Object chatStreamRelayed() throws IOException {
        List<byte[]> out = new ArrayList<>(chunks.size());
        StringBuilder produced = new StringBuilder();
        Optional<TokenUsage> usage = Optional.empty();
        for (byte[] c : chunks) {
            Optional<StreamChunk> scanned = StreamChunk.scan(c);
            if (scanned.isPresent()) {
                produced.append(scanned.get().text());
                out.add(scanned.get().rewritten(quotedModel, false));
            } else {
                StreamChunk tree = StreamChunk.of((ObjectNode) Json.readTree(c));
                ObjectNode chunk = tree.tree().orElseThrow();
                JsonNode u = chunk.get("usage");
                if (u != null && u.isObject()) {
                    usage = UsageReader.read(u);
                }
                JsonNode choices = chunk.get("choices");
                if (choices != null && !choices.isEmpty()) {
                    chunk.remove("usage");
                    out.add(Json.bytes(chunk.put("model", "openai/gpt-5")));
                }
            }
        }
        out.add(DONE);
        return new Object[] {out, produced.toString(), usage};
    }

    /** The Responses channel's work for the relayed stream: each chunk a tree, its events and their SSE bytes. */
    @Benchmark
    public List<byte[]> responsesStreamTranslated() throws IOException {
        ChatToResponsesStream stream = new ChatToResponsesStream(responsesRequest);
        List<byte[]> out = new ArrayList<>();
        for (byte[] c : relayed) {
            write(stream.onChunk(Json.readTree(c)), out);
        }
        write(stream.end(), out);
        return out;
    }

    private static void write(List<ResponsesEvent> events, List<byte[]> out) {
        for (ResponsesEvent e : events) {
            out.add(e.sse());
        }
    }

    /** The Messages channel's work for the same stream. */
    @Benchmark
    public List<byte[]> messagesStreamTranslated() throws IOException {
        ChatToMessagesStream stream = new ChatToMessagesStream("openai/gpt-5", 4500);
        List<byte[]> out = new ArrayList<>();
        for (byte[] c : relayed) {
            for (MessagesEvent e : stream.onChunk(Json.readTree(c))) {
                out.add(e.sse());
            }
        }
        for (MessagesEvent e : stream.end()) {
            out.add(e.sse());
        }
        return out;
    }

    /** The Codex-like request walked, translated to chat and parsed as chat. */
    @Benchmark
    public Object responsesRequestParsed() {
        return ResponsesToChat.parse(responsesBody);
    }

    /** The same request as chat, parsed and checked. */
    @Benchmark
    public Object chatRequestParsed() {
        return ChatRequest.parse(chatBody);
    }

    /** The renamed chat answer read, made a response echoing the request, and written (http/ResponsesChannel.sendJson). */
    @Benchmark
    public byte[] responsesAnswer() throws IOException {
        return Json.bytes(ChatToResponses.answer((ObjectNode) Json.readTree(renamedAnswer), responsesRequest));
    }

    /** The chat path's answer: scanned, its usage read, the model renamed. */
    @Benchmark
    public Object chatAnswer() {
        Completion c = Completion.scan(answer).orElseThrow();
        return new Object[] {c.usage(), c.withModel("openai/gpt-5")};
    }
}
