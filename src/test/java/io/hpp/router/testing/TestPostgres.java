package io.hpp.router.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL cluster for tests: {@code initdb} + {@code pg_ctl} from the machine's PostgreSQL binaries
 * (Debian's {@code postgresql} package) in a temporary folder on a free loopback port, started as the
 * {@code postgres} user when the tests run as root (PostgreSQL refuses root). {@code HPP_ROUTER_TEST_PG_URL} points
 * the tests at an existing server instead. Without either, PostgreSQL tests are skipped with a message saying how
 * to enable them.
 */
public final class TestPostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestPostgres shared;

    private final String baseUrl;
    private final Optional<Path> dataDir;
    private final Optional<Path> bin;

    private TestPostgres(String baseUrl, Optional<Path> dataDir, Optional<Path> bin) {
        this.baseUrl = baseUrl;
        this.dataDir = dataDir;
        this.bin = bin;
    }

    /** The cluster shared by the test run (started on first use, stopped at JVM exit); skips the test if none can be had. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            String external = System.getenv("HPP_ROUTER_TEST_PG_URL");
            if (external != null && !external.isBlank()) {
                shared = new TestPostgres(external, Optional.empty(), Optional.empty());
            } else {
                shared = startNew();
                Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
            }
        }
        return shared;
    }

    /** A cluster of its own, for tests that stop and restart the server. */
    public static TestPostgres startNew() {
        Path bin = binaries().orElse(null);
        Assumptions.assumeTrue(bin != null, () -> skip("no PostgreSQL binaries under /usr/lib/postgresql/*/bin"));
        try {
            Path dir = Files.createTempDirectory("hpp-pg");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            }
            asPostgres(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "hpp", "-A", "trust",
                    "-E", "UTF8", "--no-locale", "--no-sync"));
            TestPostgres pg = new TestPostgres("jdbc:postgresql://127.0.0.1:" + port + "/", Optional.of(dir), Optional.of(bin));
            pg.start(port);
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a test PostgreSQL: " + e.getMessage(), e);
        }
    }

    private void start(int port) throws IOException {
        Path dir = dataDir.orElseThrow();
        asPostgres(List.of(bin.orElseThrow().resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                        + "-c max_connections=300", "start"));
    }

    /** Stops the server (fast mode: clients are disconnected at once), keeping its data. */
    public void stopServer() {
        asPostgres(List.of(bin.orElseThrow().resolve("pg_ctl").toString(), "-D", dataDir.orElseThrow().resolve("data").toString(),
                "-m", "fast", "-w", "stop"));
    }

    /** Starts the stopped server again on its port. */
    public void startServer() {
        try {
            start(Integer.parseInt(baseUrl.replaceAll(".*:(\\d+)/$", "$1")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDBC URL to a new, empty database of this server. */
    public String newDatabase() {
        String name = "hpp_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(baseUrl + "postgres?user=hpp"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
        }
        return baseUrl + name + "?user=hpp";
    }

    @Override
    public void close() {
        if (dataDir.isPresent()) {
            try {
                stopServer();
            } catch (RuntimeException ignored) {
                // already stopped
            }
            try (Stream<Path> files = Files.walk(dataDir.get())) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temporary folder
            }
        }
    }

    private static String skip(String why) {
        String msg = "PostgreSQL tests skipped: " + why + ". Install Debian's postgresql package (apt-get install postgresql) "
                + "or set HPP_ROUTER_TEST_PG_URL=jdbc:postgresql://host:port/ (a user that may CREATE DATABASE, in the URL's query).";
        System.err.println(msg);
        return msg;
    }

    private static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> versionOf(b)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void asPostgres(List<String> command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("command failed: " + String.join(" ", command) + "\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
