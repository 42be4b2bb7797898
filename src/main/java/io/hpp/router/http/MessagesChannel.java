package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.chat.ClientChannel;
import io.hpp.router.common.Json;
import io.hpp.router.dialect.messages.ChatToMessages;
import io.hpp.router.dialect.messages.ChatToMessagesStream;
import io.hpp.router.dialect.messages.MessagesEvent;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The chat pipeline's answer, written to a Messages client in Anthropic's shape: a {@code chat.completion} becomes a
 * Messages answer ({@link ChatToMessages}), a chat stream Anthropic's event sequence ({@link ChatToMessagesStream}),
 * with a {@code ping} whenever the provider has been silent for the ping interval. The relay writes from its thread
 * and the pings from the timer's, so every write holds this channel's lock.
 */
final class MessagesChannel implements ClientChannel {
    private static final byte[] DONE = "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PING = MessagesEvent.ping().sse();

    /**
     * How often translated streams ping. The timer is one daemon thread for the process (it only writes a few bytes now
     * and then), shared by every router in it.
     */
    static final class Pings {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "messages-pings");
            t.setDaemon(true);
            return t;
        });
        private final Duration every;

        Pings(Duration every) {
            this.every = every;
        }

        ScheduledFuture<?> schedule(Runnable check) {
            long ms = Math.max(1, every.toMillis() / 2); // checked twice an interval: a ping at most 1.5 intervals apart
            return TIMER.scheduleAtFixedRate(check, ms, ms, TimeUnit.MILLISECONDS);
        }

        long everyNanos() {
            return every.toNanos();
        }
    }

    private final ClientChannel client;
    private final LongSupplier inputTokens;
    private final List<String> dropped;
    private final Pings pings;
    private ChatToMessagesStream stream;
    private ScheduledFuture<?> pinging;
    private long lastWrite;
    private boolean closed;

    MessagesChannel(ClientChannel client, LongSupplier inputTokens, List<String> dropped, Pings pings) {
        this.client = client;
        this.inputTokens = inputTokens;
        this.dropped = dropped;
        this.pings = pings;
    }

    @Override
    public synchronized void sendJson(int status, Map<String, String> headers, byte[] body) {
        Translated.logDropped("Messages", headers, dropped);
        ObjectNode completion = Translated.chatObject(body);
        ObjectNode answer = ChatToMessages.answer(completion, completion.path("model").asText(""));
        client.sendJson(status, headers, Json.bytes(answer));
    }

    @Override
    public OutputStream openBody(int status, Map<String, String> headers, long contentLength) {
        throw new UnsupportedOperationException("a Messages answer is written whole");
    }

    @Override
    public synchronized void openStream(Map<String, String> headers) {
        Translated.logDropped("Messages", headers, dropped);
        stream = new ChatToMessagesStream(headers.getOrDefault("X-HPP-Router-Resolved-Model", ""), inputTokens.getAsLong());
        client.openStream(headers);
        lastWrite = System.nanoTime();
        pinging = pings.schedule(this::pingIfSilent);
    }

    /** A chat chunk, {@code [DONE]}, or the error envelope of a stream cut short: the events they make. */
    @Override
    public synchronized void event(byte[] data) {
        List<MessagesEvent> events = java.util.Arrays.equals(data, DONE) ? stream.end() : stream.onChunk(Translated.chatObject(data));
        for (MessagesEvent e : events) {
            client.frame(e.sse());
        }
        if (!events.isEmpty()) {
            lastWrite = System.nanoTime();
        }
    }

    @Override
    public synchronized void frame(byte[] sse) {
        client.frame(sse);
        lastWrite = System.nanoTime();
    }

    @Override
    public synchronized void flush() {
        client.flush();
    }

    /** Ends the stream; one the pipeline ends without {@code [DONE]} or an error ends in an {@code error} event. */
    @Override
    public synchronized void closeStream() {
        closed = true;
        if (pinging != null) {
            pinging.cancel(false);
        }
        try {
            for (MessagesEvent e : stream.end()) {
                client.frame(e.sse());
            }
        } finally {
            client.closeStream();
        }
    }

    private synchronized void pingIfSilent() {
        if (closed || stream.finished() || System.nanoTime() - lastWrite < pings.everyNanos()) {
            return;
        }
        try {
            client.frame(PING);
            client.flush();
            lastWrite = System.nanoTime();
        } catch (ClientGoneException e) {
            pinging.cancel(false); // the relay finds the client gone at its next write
        }
    }
}
