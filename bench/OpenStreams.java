import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens COUNT streaming chat requests to a 127.0.0.1 target over plain sockets (one virtual thread each, started evenly
 * over RAMP seconds) and reads each to its end; a stream counts as good only if it ends with "data: [DONE]". Lighter
 * than an HTTP client library, so thousands of open streams measure the gateway, not the driver. Reports errors, the
 * most streams open at once, and a process's peak RSS.
 * Usage: java OpenStreams.java URL KEY COUNT RAMP_SECONDS PID
 */
public final class OpenStreams {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException("loopback targets only: " + uri);
        }
        String key = args[1];
        int count = Integer.parseInt(args[2]);
        double ramp = Double.parseDouble(args[3]);
        long pid = Long.parseLong(args[4]);
        byte[] body = "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger maxOpen = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger good = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        long start = System.nanoTime();
        long interval = (long) (ramp * 1e9 / count);
        for (int i = 0; i < count; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            Thread.ofVirtual().start(() -> {
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                try (Socket s = new Socket("127.0.0.1", uri.getPort())) {
                    s.setSoTimeout(120_000);
                    OutputStream out = s.getOutputStream();
                    out.write(head);
                    out.write(body);
                    out.flush();
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    byte[] buf = new byte[4096];
                    String text = "";
                    // read until the stream's last event (the server may keep the connection open after it)
                    for (int n; !text.contains("data: [DONE]") && (n = in.read(buf)) > 0; ) {
                        all.write(buf, 0, n);
                        text = all.toString(StandardCharsets.UTF_8);
                    }
                    if (text.startsWith("HTTP/1.1 200") && text.contains("data: [DONE]")) {
                        good.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    open.decrementAndGet();
                    done.countDown();
                }
            });
        }
        done.await(180, java.util.concurrent.TimeUnit.SECONDS);
        System.out.printf("streams=%d good=%d errors=%d max_open=%d peak_rss_mib=%d seconds=%.1f%n", count, good.get(), errors.get(),
                maxOpen.get(), peakRssKib(pid) / 1024, (System.nanoTime() - start) / 1e9);
    }

    private static long peakRssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
