package io.hpp.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StderrAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final StderrAppender appender = new StderrAppender(out);

    @BeforeEach
    void start() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
    }

    @AfterEach
    void stop() {
        appender.stop();
    }

    private void log(String message, boolean batched) {
        LoggingEvent e = new LoggingEvent("x", context.getLogger("hpp.access"), Level.INFO, message, null, null);
        e.setMDCPropertyMap(java.util.Map.of());
        if (batched) {
            e.addMarker(StderrAppender.BATCHED);
        }
        appender.doAppend(e);
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void batchedLinesWaitForTheFlushOthersGoOutAtOnceWithWhatWaited() {
        log("access 1", true);
        log("access 2", true);
        assertThat(written()).isEmpty();
        StderrAppender.flushAll();
        assertThat(written()).isEqualTo("access 1\naccess 2\n");

        log("access 3", true);
        log("a warning", false);
        assertThat(written()).isEqualTo("access 1\naccess 2\naccess 3\na warning\n");
    }

    @Test
    void stoppingWritesWhatWaitedAndAStoppedAppenderIsNotFlushed() {
        log("access 1", true);
        appender.stop();
        assertThat(written()).isEqualTo("access 1\n");
        StderrAppender.flushAll();
        assertThat(written()).isEqualTo("access 1\n");
    }
}
