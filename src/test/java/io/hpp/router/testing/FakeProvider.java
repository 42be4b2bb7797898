package io.hpp.router.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A provider faked by a real HTTP server on 127.0.0.1. Each request is answered by a script (a function of the
 * received request) that writes the provider's real wire format; every request is recorded, so tests assert what
 * the router sent as well as what it returned.
 */
public final class FakeProvider implements AutoCloseable {
    /** A request as the fake received it. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("upstream body is not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().getFirst())
                    .findFirst().orElse(null);
        }
    }

    /** Writes one answer. */
    @FunctionalInterface
    public interface Script {
        void answer(Received req, HttpExchange ex) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Script> queued = new ConcurrentLinkedQueue<>();
    private volatile Function<Received, Script> fallback = r -> json(200, "{}");
    /** Events a streaming script wrote before the client went away (for cancellation tests). */
    public final AtomicInteger eventsWrittenBeforeAbort = new AtomicInteger(-1);

    public FakeProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The answer to the next request (queued answers are used in order, then the default). */
    public FakeProvider enqueue(Script s) {
        queued.add(s);
        return this;
    }

    /** The answer to every request without a queued one. */
    public FakeProvider always(Script s) {
        fallback = r -> s;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received last() {
        return received.getLast();
    }

    private void handle(HttpExchange ex) throws IOException {
        Received r = new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
                new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        received.add(r);
        Script s = queued.poll();
        try {
            (s != null ? s : fallback.apply(r)).answer(r, ex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the router hung up: that is what some tests provoke
        } finally {
            ex.close();
        }
    }

    public static Script json(int status, String body) {
        return (req, ex) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        };
    }

    public static Script delayed(long millis, Script then) {
        return (req, ex) -> {
            Thread.sleep(millis);
            then.answer(req, ex);
        };
    }

    /** An SSE answer: each string becomes {@code data: …}, flushed at once, {@code gapMillis} apart. */
    public Script sse(long gapMillis, List<String> events) {
        return (req, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            int written = 0;
            try {
                for (String e : events) {
                    out.write(("data: " + e + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    written++;
                    if (gapMillis > 0) {
                        Thread.sleep(gapMillis);
                    }
                }
            } catch (IOException e) {
                eventsWrittenBeforeAbort.set(written);
                throw e;
            }
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
