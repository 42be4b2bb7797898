package io.hpp.router.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A router node in a process of its own (so a test can SIGTERM or kill -9 it), on a free loopback port. */
public final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code serve} with {@code env} (plus loopback host, a free port, no config file) and waits until it answers. */
    public static NodeProcess start(Map<String, String> env) throws IOException, InterruptedException {
        return start(env, java.util.List.of());
    }

    /** As {@link #start(Map)}, the JVM given {@code jvmOptions} too (e.g. {@link #productionJvmOptions()}). */
    public static NodeProcess start(Map<String, String> env, java.util.List<String> jvmOptions) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("node", ".log");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "io.hpp.router.app.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> all = new HashMap<>();
        all.put("HPP_ROUTER_JOURNAL_DIR", Files.createTempDirectory("node-journal").toString());
        all.putAll(env);
        all.put("HPP_ROUTER_HOST", "127.0.0.1");
        all.put("HPP_ROUTER_PORT", String.valueOf(port));
        all.put("HPP_ROUTER_CONFIG", new File("does-not-exist.yaml").getAbsolutePath());
        pb.environment().putAll(all);
        NodeProcess node = new NodeProcess(pb.start(), port, log);
        node.waitUntilUp();
        return node;
    }

    /** The options the launcher gives the router's JVM (the project's {@code jvm.options}: heap, collector, stacks). */
    public static java.util.List<String> productionJvmOptions() throws IOException {
        return Files.readAllLines(Path.of("jvm.options")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** What the node wrote to stdout and stderr so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Process process() {
        return process;
    }

    private void waitUntilUp() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the node died at start-up: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the node did not start: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
