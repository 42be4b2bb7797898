package io.hpp.router.http;

import io.hpp.router.config.ConfigLoader;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.observe.Metrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
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
 * What the edge adds to every request (deadline phases, the per-consumer share of the body budget, the throttle's
 * check) and to every connection (its address, counted and released), beside the body-budget ticket every request
 * already took. Run: bench/jmh.sh EdgeBench
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EdgeBench {
    private BodyBudget budget;
    private GuardedConnection connection;
    private AuthThrottle throttle;
    private Connections connections;
    private final InetSocketAddress peer = new InetSocketAddress("203.0.113.7", 51234);

    @Setup
    public void setup() {
        RouterConfig.Edge edge = ConfigLoader.load(Optional.empty(), Map.of()).edge();
        Metrics metrics = new Metrics(false);
        connections = new Connections(edge, metrics);
        connection = new GuardedConnection(null, null, connections, "203.0.113.7", false, connections.now() + 1_000_000_000L);
        budget = new BodyBudget(32 << 20, 16 << 20, 64 << 20, Duration.ofSeconds(10));
        throttle = new AuthThrottle(edge.authFailureLimit(), edge.authFailureWindow(), metrics);
    }

    /** Before: the ticket every request took, and its body's bytes. */
    @Benchmark
    public BodyBudget.Ticket ticketOnly() {
        BodyBudget.Ticket t = budget.ticket();
        t.take(1200);
        t.close();
        return t;
    }

    /** After: the same, with the consumer's share, the throttle's check and the connection's deadlines. */
    @Benchmark
    public BodyBudget.Ticket ticketWithEdge() {
        connection.requestStarted("req_0123456789abcdef");
        BodyBudget.Ticket t = budget.ticket();
        throttle.check(connection.address());
        t.consumer("cns_0123456789");
        connection.bodyStarted(1200);
        t.take(1200);
        connection.bodyProgress(1200);
        connection.bodyEnded();
        t.close();
        connection.requestEnded(false);
        return t;
    }

    /** Per connection: its address, counted on accept and released on close. */
    @Benchmark
    public boolean connectionCounted() {
        boolean admitted = connections.admit(Connections.address(peer));
        connections.release("203.0.113.7");
        return admitted;
    }
}
