package io.hpp.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SSE reader's bounds: one event's lines are bounded, the stream's length is not. */
class SseReaderTest {
    @Test
    void commentsBetweenEventsDoNotCountTowardsTheNextEvent() throws IOException {
        String stream = ": keep-alive\n\n".repeat(1_000) + "data: {\"n\":1}\n\n";
        SseReader reader = new SseReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.US_ASCII)), 64);
        assertThat(reader.next()).hasValueSatisfying(e -> assertThat(e.data()).isEqualTo("{\"n\":1}"));
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void anEventOrALineBeyondTheBoundIsRefused() {
        SseReader manyLines = new SseReader(new ByteArrayInputStream("data: 0123456789\n".repeat(10).getBytes(StandardCharsets.US_ASCII)), 64);
        assertThatThrownBy(manyLines::next).isInstanceOf(MalformedAnswerException.class).hasMessage("an event larger than 64 bytes");
        SseReader oneLine = new SseReader(new ByteArrayInputStream(("data: " + "x".repeat(1_000_000)).getBytes(StandardCharsets.US_ASCII)), 64);
        assertThatThrownBy(oneLine::next).isInstanceOf(MalformedAnswerException.class).hasMessage("an event line longer than 64 bytes");
    }
}
