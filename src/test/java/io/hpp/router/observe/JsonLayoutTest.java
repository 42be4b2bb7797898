package io.hpp.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLayoutTest {
    private final LoggerContext context = new LoggerContext();

    private JsonNode layout(String logger, String message) throws Exception {
        LoggingEvent e = new LoggingEvent("x", context.getLogger(logger), Level.INFO, message, null, null);
        e.setMDCPropertyMap(Map.of("request_id", "req_1"));
        String line = new JsonLayout().doLayout(e);
        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        return Json.MAPPER.readTree(line);
    }

    @Test
    void everyLineIsOneJsonObjectWithTheRequestId() throws Exception {
        JsonNode plain = layout("io.hpp.router.app.App", "started \"quoted\"");
        assertThat(plain.get("msg").asText()).isEqualTo("started \"quoted\"");
        assertThat(plain.get("request_id").asText()).isEqualTo("req_1");
        assertThat(plain.get("level").asText()).isEqualTo("INFO");

        JsonNode access = layout("hpp.access", "{\"status\":200,\"cost\":0.5,\"path\":\"/x\"}");
        assertThat(access.get("status").asInt()).isEqualTo(200);
        assertThat(access.get("cost").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(access.get("logger").asText()).isEqualTo("hpp.access");
        assertThat(access.has("msg")).isFalse();
    }

    @Test
    void controlCharactersQuotesAndAStackTraceStayInsideOneLine() throws Exception {
        LoggingEvent e = new LoggingEvent("x", context.getLogger("io.hpp.router.app.App"), Level.WARN, "tab\there \"q\" \\ line\nbreak \u0001",
                new IllegalStateException("boom\nagain"), null);
        e.setMDCPropertyMap(Map.of());
        String line = new JsonLayout().doLayout(e);
        assertThat(line).endsWith("}\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        JsonNode n = Json.MAPPER.readTree(line);
        assertThat(n.get("msg").asText()).isEqualTo("tab\there \"q\" \\ line\nbreak \u0001");
        assertThat(n.get("error").asText()).contains("IllegalStateException: boom\nagain").contains("at ");
        assertThat(n.has("request_id")).isFalse();
        assertThat(n.get("ts").asText()).isEqualTo(java.time.Instant.ofEpochMilli(e.getTimeStamp()).toString());
    }

    @Test
    void anAccessLineKeepsOneRequestIdItsOwn() {
        LoggingEvent e = new LoggingEvent("x", context.getLogger("hpp.access"), Level.INFO, "{\"request_id\":\"req_2\",\"status\":200}", null, null);
        e.setMDCPropertyMap(Map.of("request_id", "req_2"));
        String line = new JsonLayout().doLayout(e);
        assertThat(line.split("\"request_id\"", -1)).as("request_id appears once").hasSize(2);
        assertThat(line).contains("\"request_id\":\"req_2\"");
    }

    @Test
    void timestampsReadAsInstantWritesThem() {
        java.util.Random random = new java.util.Random(11);
        long now = System.currentTimeMillis();
        long[] fixed = {0L, 999L, 1000L, 1001L, 1_764_156_000_000L, 1_764_156_000_100L, 1_764_156_059_990L, -1L, -1000L};
        java.util.List<Long> times = new java.util.ArrayList<>();
        for (long t : fixed) {
            times.add(t);
        }
        for (int i = 0; i < 2000; i++) {
            times.add(now + random.nextInt(5000)); // runs of the same second, in and out of order
            times.add(Math.abs(random.nextLong()) % 4_102_444_800_000L);
        }
        for (long t : times) {
            StringBuilder line = new StringBuilder();
            JsonLayout.timestamp(line, t);
            assertThat(line.toString()).as("%d", t).isEqualTo(java.time.Instant.ofEpochMilli(t).toString());
        }
    }
}
