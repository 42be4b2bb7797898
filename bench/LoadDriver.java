import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Fixed-rate (open-model) load driver for 127.0.0.1 targets: requests are started on a fixed schedule whether or not
 * earlier ones finished, and latency is measured from the scheduled start (no coordinated omission). Reports achieved
 * rate, latency percentiles, errors and, given a PID, that process's CPU time per request and peak RSS.
 * Usage: java LoadDriver.java URL RATE SECONDS [KEY] [PID] [stream]
 * LOAD_TURNS=N sends an N-turn conversation (~1.5 KB a message) instead of one short question, as chat clients
 * resend their history every turn; LOAD_HEADERS="Name: value; ..." adds headers; LOAD_MODEL names the model
 * (openai/gpt-4o-mini by default). The body is both a chat and an Anthropic Messages request, so the same driver loads
 * /v1/messages; LOAD_API=responses writes it as a Responses request (input, max_output_tokens) for /llm/v1/responses.
 * A stream counts when it ends in [DONE], Anthropic's message_stop or the Responses API's response.completed.
 */
public final class LoadDriver {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
            throw new IllegalArgumentException("loopback targets only: " + uri);
        }
        int rate = Integer.parseInt(args[1]);
        int seconds = Math.min(Integer.parseInt(args[2]), 120);
        String key = args.length > 3 && !args[3].equals("-") ? args[3] : null;
        long[] pids = args.length > 4 && !args[4].equals("-")
                ? java.util.Arrays.stream(args[4].split(",")).mapToLong(Long::parseLong).toArray() : new long[0];
        long pid = pids.length > 0 ? pids[0] : -1;
        boolean stream = args.length > 5 && args[5].equals("stream");
        String model = System.getenv().getOrDefault("LOAD_MODEL", "openai/gpt-4o-mini");
        boolean responses = System.getenv().getOrDefault("LOAD_API", "chat").equals("responses");
        String body = "{\"model\":\"" + model + "\",\"" + (responses ? "input" : "messages") + "\":"
                + messages(Integer.parseInt(System.getenv().getOrDefault("LOAD_TURNS", "1")))
                + (stream ? ",\"stream\":true" : "") + (responses ? ",\"max_output_tokens\":64}" : ",\"max_tokens\":64}");

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            rb.header("Authorization", "Bearer " + key);
        }
        // extra headers for gateways that need them (Portkey: provider and upstream host), "Name: value; Name: value"
        String extra = System.getenv().getOrDefault("LOAD_HEADERS", "");
        for (String h : extra.split(";")) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                rb.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
        }
        HttpRequest request = rb.build();

        // warm-up at the full rate so the JIT has compiled the hot paths; not measured
        int warm = Math.min(Integer.parseInt(System.getenv().getOrDefault("WARMUP_SECONDS", "8")), Math.min(seconds, 8));
        run(client, request, rate, warm, stream, new AtomicLongArray(rate * warm), new AtomicLongArray(rate * warm), new AtomicInteger());
        MAX_IN_FLIGHT.set(0);
        ERROR_KINDS.clear();

        int total = rate * seconds;
        AtomicLongArray latencies = new AtomicLongArray(total);
        AtomicLongArray firstBytes = new AtomicLongArray(total);
        AtomicInteger errors = new AtomicInteger();
        long[] cpu0 = cpuTicks(pids);
        long jit0 = jitTicks(pids);
        long t0 = System.nanoTime();
        run(client, request, rate, seconds, stream, latencies, firstBytes, errors);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long[] cpu1 = cpuTicks(pids);
        long jit1 = jitTicks(pids);

        long[] lat = sorted(latencies);
        long[] ttfb = sorted(firstBytes);
        System.out.printf("target=%s rate=%d/s duration=%ds sent=%d achieved=%.0f/s errors=%d max_in_flight=%d%n", uri, rate, seconds, total,
                total / elapsed, errors.get(), MAX_IN_FLIGHT.get());
        if (!ERROR_KINDS.isEmpty()) {
            System.out.println("error_kinds " + new java.util.TreeMap<>(ERROR_KINDS));
        }
        System.out.printf("latency_ms p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f%n", pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 99.9), pct(lat, 100));
        if (stream) {
            System.out.printf("ttfb_ms p50=%.3f p90=%.3f p99=%.3f%n", pct(ttfb, 50), pct(ttfb, 90), pct(ttfb, 99));
        }
        if (pid > 0) {
            double user = (cpu1[0] - cpu0[0]) * 1e6 / 100.0 / total;
            double sys = (cpu1[1] - cpu0[1]) * 1e6 / 100.0 / total;
            long rss = 0;
            for (long p : pids) {
                rss += peakRssKib(p);
            }
            System.out.printf("process=%s cpu_us_per_request=%.0f (user %.0f, system %.0f) peak_rss_mib=%d jit_us_per_request=%.0f%n",
                    args[4], user + sys, user, sys, rss / 1024, (jit1 - jit0) * 1e6 / 100.0 / total);
        }
    }

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();
    /** Errors by kind: "http_503", the innermost exception's class, or "stream_without_done". */
    private static final java.util.concurrent.ConcurrentHashMap<String, Integer> ERROR_KINDS = new java.util.concurrent.ConcurrentHashMap<>();

    private static void fail(AtomicInteger errors, String kind) {
        errors.incrementAndGet();
        ERROR_KINDS.merge(kind, 1, Integer::sum);
    }

    private static String kind(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private static void run(HttpClient client, HttpRequest request, int rate, int seconds, boolean stream,
                            AtomicLongArray latencies, AtomicLongArray firstBytes, AtomicInteger errors) throws InterruptedException {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            int idx = i;
            MAX_IN_FLIGHT.accumulateAndGet(IN_FLIGHT.incrementAndGet(), Math::max);
            client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).whenComplete((r, err) -> {
                try {
                    if (err != null || r.statusCode() != 200) {
                        fail(errors, err != null ? kind(err) : "http_" + r.statusCode());
                        if (r != null) {
                            r.body().close();
                        }
                        return;
                    }
                    try (InputStream in = r.body()) {
                        int b = in.read();
                        firstBytes.set(idx, System.nanoTime() - scheduled);
                        byte[] rest = b >= 0 ? in.readAllBytes() : new byte[0];
                        // a stream counts only if it ended properly; a cut one ends with an error event and no [DONE]
                        String tail = stream ? new String(rest, java.nio.charset.StandardCharsets.UTF_8) : "";
                        if (stream && !tail.contains("data: [DONE]") && !tail.contains("event: message_stop")
                                && !tail.contains("event: response.completed")) {
                            fail(errors, "stream_without_done");
                            return;
                        }
                    }
                    latencies.set(idx, System.nanoTime() - scheduled);
                } catch (IOException e) {
                    fail(errors, kind(e));
                } finally {
                    IN_FLIGHT.decrementAndGet();
                    done.countDown();
                }
            });
        }
        done.await(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static long[] sorted(AtomicLongArray a) {
        long[] v = new long[a.length()];
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            if (a.get(i) > 0) {
                v[n++] = a.get(i);
            }
        }
        long[] out = Arrays.copyOf(v, n);
        Arrays.sort(out);
        return out;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    /** {utime, stime} of the processes together, in clock ticks (USER_HZ = 100 on Linux). */
    private static long[] cpuTicks(long[] pids) throws IOException {
        long[] sum = new long[2];
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum[0] += Long.parseLong(f[11]);
            sum[1] += Long.parseLong(f[12]);
        }
        return sum;
    }

    /**
     * CPU ticks of the processes' JIT compiler threads (a JVM's "C1/C2 CompilerThread"; 0 for other runtimes): part of
     * the CPU above, so a row can tell steady state from code still being compiled.
     */
    private static long jitTicks(long[] pids) throws IOException {
        long sum = 0;
        for (long pid : pids) {
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        if (!Files.readString(t.resolve("comm")).matches("C[12] CompilerThre.*\\s*")) {
                            continue;
                        }
                        String stat = Files.readString(t.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    } catch (IOException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
        }
        return sum;
    }

    private static long peakRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The messages array: one short question, or {@code turns} alternating user and assistant messages of ~1.5 KB. */
    private static String messages(int turns) {
        if (turns <= 1) {
            return "[{\"role\":\"user\",\"content\":\"Say hello in five words.\"}]";
        }
        StringBuilder m = new StringBuilder("[");
        for (int i = 0; i < turns; i++) {
            m.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"").append(("Turn " + i + " of a long conversation about routing. ").repeat(30)).append("\"}");
        }
        return m.append("]").toString();
    }
}
