package io.hpp.router.provider;

import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.Completion;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.upstream.SseReader;
import io.hpp.router.upstream.Upstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A client's request relayed to a provider that speaks the client's own API (Anthropic's Messages API to Anthropic,
 * OpenAI's Responses API to OpenAI), not translated: the client's bytes go upstream but for the members the gateway
 * sets (the model, a lowered output cap), and the answer comes back as the provider sent it but for its model. The
 * usage is read on the way, for billing.
 */
public final class Relayed {
    private Relayed() {
    }

    /**
     * A request on its way upstream.
     *
     * @param body    the client's body (its bytes; the members the gateway sets are written over them)
     * @param headers the client's headers the provider reads the body by (Anthropic's version and betas), to pass on
     */
    public record Request(ChatBody body, Map<String, String> headers) {
        public Request {
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }
    }

    /** A non-streamed answer, as the provider sent it, and the usage it reported. */
    public record Answer(Completion message, Optional<TokenUsage> usage) {
    }

    /**
     * One event of a relayed stream, framed for the client ({@code event: …\ndata: …\n\n}); {@code usage} is the usage
     * reported so far when this event reported it, {@code text} what the event added to the answer (for an estimate
     * when a stream is cut before its usage).
     */
    public record Frame(byte[] sse, Optional<TokenUsage> usage, String text) {
        private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

        /**
         * The event {@code name} with {@code data}, framed as Anthropic and OpenAI frame their events. The data must be
         * one line (JSON written compactly is): the caller re-writes data that arrived over several lines.
         */
        public static Frame of(String name, byte[] data, Optional<TokenUsage> usage, String text) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[EVENT.length + n.length + DATA.length + data.length + END.length];
            int at = 0;
            for (byte[] part : new byte[][] {EVENT, n, DATA, data, END}) {
                System.arraycopy(part, 0, frame, at, part.length);
                at += part.length;
            }
            return new Frame(frame, usage, text);
        }

        /** Whether {@code data} holds a line feed (then it must be written again on one line before {@link #of}). */
        public static boolean multiline(byte[] data) {
            for (byte b : data) {
                if (b == '\n') {
                    return true;
                }
            }
            return false;
        }
    }

    /** One named event of a provider's stream, handled by the relay of its API; true when it was the stream's last. */
    @FunctionalInterface
    public interface EventHandler {
        boolean onEvent(String name, byte[] data);
    }

    /**
     * Reads a provider's event stream to its last event, each event (blank ones skipped) to {@code handler} by name:
     * its {@code event:} line, or what {@code unnamed} reads from an event sent without one. A stream that ends
     * before its last event is a {@code bad_response} naming {@code last}; an I/O failure is the exchange's.
     */
    public static void read(Upstream.Exchange ex, int maxEvent, FrameListener listener, String provider, String last,
                            java.util.function.Function<SseReader.Event, String> unnamed, EventHandler handler) {
        ex.beforeWait(listener::beforeWait);
        SseReader reader = new SseReader(ex.body(), maxEvent);
        while (true) {
            Optional<SseReader.Event> next;
            try {
                next = reader.next();
            } catch (IOException e) {
                throw ex.readFailure(e);
            }
            if (next.isEmpty()) {
                throw ProviderException.badResponse(provider, "the stream ended before " + last);
            }
            SseReader.Event e = next.get();
            if (e.dataIs("") || e.dataIs("[DONE]")) {
                continue;
            }
            if (handler.onEvent(e.event().orElseGet(() -> unnamed.apply(e)), e.bytes())) {
                ex.endOfAnswer();
                return;
            }
        }
    }

    /** Receives the events of a relayed stream, in order. */
    public interface FrameListener {
        void onFrame(Frame frame);

        /** As {@link Provider.ChunkListener#beforeWait()}. */
        void beforeWait();
    }
}
