import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A fast fake OpenAI-compatible upstream for load tests, on 127.0.0.1 only.
 * POST .../chat/completions answers a fixed chat.completion with usage, or, with "stream":true, 20 chunks, a
 * finish_reason chunk, a usage chunk and [DONE] (optional gap between chunks). POST .../v1/messages answers in Anthropic's format: a fixed
 * message, or its event stream with 20 text deltas (the same gap). Usage: java FastUpstream.java PORT [CHUNK_GAP_MS]
 */
public final class FastUpstream {
    private static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1741569952,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from the bench upstream.\","
            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,"
            + "\"total_tokens\":19,\"prompt_tokens_details\":{\"cached_tokens\":0}}}").getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long gap = args.length > 1 ? Long.parseLong(args[1]) : 0;
        // the JDK server closes a finished connection when 200 are idle; providers keep many more alive per client
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        // and they send each event as it is made (TCP_NODELAY): without it, Nagle's algorithm holds an event back until
        // the previous one is acknowledged, so how many events a proxy gets per read depended on when its kernel acked
        System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> handle(ex, gap));
        server.start();
        System.out.println("fast upstream on 127.0.0.1:" + port);
    }

    /** Four base64 "images" of 3 MB each, as an n=4 high-quality gpt-image-1 answer is about that large. */
    private static final byte[] IMAGES = images(4, 3 * 1024 * 1024);

    private static byte[] images(int n, int b64Bytes) {
        StringBuilder sb = new StringBuilder("{\"created\":1713833628,\"data\":[");
        String b64 = "A".repeat(b64Bytes);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"b64_json\":\"").append(b64).append("\"}");
        }
        sb.append("],\"usage\":{\"input_tokens\":20,\"output_tokens\":16640,\"total_tokens\":16660}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] MESSAGE = ("{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Hello from the bench upstream.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":7}}")
            .getBytes(StandardCharsets.UTF_8);

    /** Anthropic's Messages API: its answer, or its event stream as Anthropic frames it. */
    private static void anthropic(HttpExchange ex, boolean stream, long gap) throws IOException {
        try (ex) {
            if (!stream) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, MESSAGE.length);
                ex.getResponseBody().write(MESSAGE);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-20250514\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}");
            event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
            for (int i = 0; i < 20; i++) {
                event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"tok" + i + " \"}}");
                if (gap > 0) {
                    Thread.sleep(gap);
                }
            }
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void handle(HttpExchange ex, long gap) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (ex.getRequestURI().getPath().endsWith("/images/generations")) {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, IMAGES.length);
                ex.getResponseBody().write(IMAGES);
            }
            return;
        }
        boolean stream = new String(body, StandardCharsets.UTF_8).contains("\"stream\":true");
        if (ex.getRequestURI().getPath().endsWith("/v1/messages")) {
            anthropic(ex, stream, gap);
            return;
        }
        try (ex) {
            if (!stream) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, COMPLETION.length);
                ex.getResponseBody().write(COMPLETION);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < 20; i++) {
                out.write(("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"},\"finish_reason\":null}],\"usage\":null}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (gap > 0) {
                    Thread.sleep(gap);
                }
            }
            // the last content chunk names the finish reason, as OpenAI's does (a translated stream ends on it)
            out.write(("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                    + "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":20,\"total_tokens\":32}}\n\ndata: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
