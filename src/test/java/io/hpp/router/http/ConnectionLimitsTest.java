package io.hpp.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.common.Json;
import io.hpp.router.testing.TestRouter;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections cannot be held without sending a request: a new connection has a deadline for its request's headers, a
 * kept-alive one a deadline for its next request, and one client address holds at most its share of the connections.
 */
class ConnectionLimitsTest {
    private static final String HEALTH = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void aSilentConnectionIsClosedAtTheHeaderTimeout() throws Exception {
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_HEADER_TIMEOUT_MS", "600"));
             RawClient silent = new RawClient(RawClient.port(router.baseUrl()), "127.0.0.1")) {
            long t0 = System.nanoTime();
            assertThat(closedWithin(silent)).as("what the router sent to a silent connection").isEmpty();
            assertThat(millisSince(t0)).isBetween(400L, 3_000L);
            assertThat(router.get("/metrics", Map.of()).body()).contains("hpp_edge_events_total{reason=\"header_timeout\"} 1.0");
        }
    }

    @Test
    void headersSentAByteAtATimeAreCutAtTheHeaderTimeout() throws Exception {
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_HEADER_TIMEOUT_MS", "800"));
             RawClient slow = new RawClient(RawClient.port(router.baseUrl()), "127.0.0.1")) {
            long t0 = System.nanoTime();
            slow.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
            boolean open = true;
            // a header byte every 100 ms: never idle, never done; stops by itself after 5 s
            for (int i = 0; i < 50 && open; i++) {
                Thread.sleep(100);
                open = slow.tryWrite("X-Slow-" + i + ": y\r\n");
            }
            assertThat(open).as("the router cut the connection while its headers were still trickling in").isFalse();
            assertThat(millisSince(t0)).isLessThan(3_000L);
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutButServedWhileUsed() throws Exception {
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_HEADER_TIMEOUT_MS", "400", "HPP_ROUTER_BODY_TIMEOUT_MS", "400",
                "HPP_ROUTER_IDLE_TIMEOUT_MS", "1500"));
             RawClient client = new RawClient(RawClient.port(router.baseUrl()), "127.0.0.1")) {
            String body = "{\"username\":\"kept-alive\",\"quota\":1}";
            String withBody = "POST /admin/v1/consumers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestRouter.ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            for (String request : List.of(withBody, HEALTH, withBody)) {
                assertThat(client.write(request).readResponse()).startsWith("HTTP/1.1 20");
                Thread.sleep(700); // longer than the header and body timeouts, shorter than the idle timeout
            }
            long t0 = System.nanoTime();
            assertThat(closedWithin(client)).isEmpty();
            assertThat(millisSince(t0)).as("closed about 1.5 s after its last answer").isBetween(500L, 3_000L);
            assertThat(router.get("/metrics", Map.of()).body()).contains("hpp_edge_events_total{reason=\"idle_timeout\"} 1.0");
        }
    }

    @Test
    void anAddressPastItsConnectionLimitGets429WhileOtherAddressesAreServed() throws Exception {
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_MAX_CONNECTIONS", "20", "HPP_ROUTER_MAX_CONNECTIONS_PER_ADDRESS", "5",
                "HPP_ROUTER_HEADER_TIMEOUT_MS", "30000"))) {
            int port = RawClient.port(router.baseUrl());
            List<RawClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    held.add(new RawClient(port, "127.0.0.3"));
                }
                Thread.sleep(200); // the router has accepted them
                try (RawClient sixth = new RawClient(port, "127.0.0.3")) {
                    String answer = sixth.write(HEALTH).readUntilClosed();
                    assertThat(answer).startsWith("HTTP/1.1 429");
                    String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                    assertThat(Json.MAPPER.readTree(body).get("error").asText()).isEqualTo("rate_limited");
                    assertThat(Json.MAPPER.readTree(body).get("message").asText())
                            .isEqualTo("This client address holds its limit of 5 open connections; reuse or close one");
                    assertThat(answer).containsIgnoringCase("Retry-After: 1");
                }
                HttpResponse<String> other = RawClient.send(RawClient.httpFrom("127.0.0.4"), "GET", router.baseUrl() + "/metrics", null, Map.of());
                assertThat(other.statusCode()).as("another address is served beside the held connections").isEqualTo(200);
                assertThat(other.body()).contains("hpp_edge_events_total{reason=\"connections_per_address\"} 1.0")
                        .containsPattern("hpp_requests_total\\{endpoint=\"ops\".*status=\"429\"\\} 1.0");
            } finally {
                held.forEach(RawClient::close);
            }
            Thread.sleep(200);
            try (RawClient again = new RawClient(port, "127.0.0.3")) {
                assertThat(again.write(HEALTH).readResponse()).as("the address's connections count down as they close").startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void silentConnectionsFromOneAddressNoLongerTakeTheRouterOffTheAir() throws Exception {
        // the report: 20 silent sockets took a router with max_connections=20 off the air
        try (TestRouter router = TestRouter.start(Map.of("HPP_ROUTER_MAX_CONNECTIONS", "20"))) {
            int port = RawClient.port(router.baseUrl());
            List<RawClient> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    silent.add(new RawClient(port, "127.0.0.5"));
                }
                long t0 = System.nanoTime();
                HttpResponse<String> other = RawClient.send(RawClient.httpFrom("127.0.0.6"), "GET", router.baseUrl() + "/healthz", null, Map.of());
                assertThat(other.statusCode()).isEqualTo(200);
                assertThat(millisSince(t0)).as("served at once: one address holds at most a quarter of the connections").isLessThan(2_000L);
            } finally {
                silent.forEach(RawClient::close);
            }
        }
    }

    /** What the router sent before closing; fails if it keeps the connection open past the client's patience. */
    private static String closedWithin(RawClient client) {
        try {
            return client.readUntilClosed();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the router kept the connection open for " + RawClient.PATIENCE_MS + " ms");
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
