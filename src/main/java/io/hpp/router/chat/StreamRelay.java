package io.hpp.router.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.provider.Relayed;
import io.hpp.router.provider.Provider;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.ChatBody;
import io.hpp.router.wire.StreamChunk;
import io.hpp.router.wire.UsageReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Relays one provider stream to the client event by event; what was written goes out whenever the provider's stream
 * has nothing more that already arrived (before each wait for it), so no event waits for the next. Renames
 * {@code model} to the resolved id, holds back the usage-only chunk unless the client asked for it, and remembers what
 * was produced so a stream cut short can still be billed. A failure after the first event ends the stream with an
 * error event and no {@code [DONE]}.
 *
 * <p>When the client hangs up, the provider has been asked for the whole answer and charges us for it, hidden
 * reasoning tokens included, which a stream never shows: so the relay stops writing but keeps reading the provider's
 * stream, for its usage, for at most the drain time (each chunk and each wait checks it; a silent provider is also
 * bounded by its idle timeout). Past it, the provider's stream is closed; the pipeline then charges the hold.
 */
final class StreamRelay implements Provider.ChunkListener, Relayed.FrameListener {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    /** How the client's stream ends: after success ({@code cut} empty), or after a failure once it had started. */
    @FunctionalInterface
    interface Ending {
        void write(ClientChannel out, Optional<ProviderException> cut);
    }

    /** A chat stream: {@code [DONE]}, or the error's envelope and no {@code [DONE]}. */
    static final Ending CHAT = (out, cut) -> out.event(cut.map(e -> Json.bytes(e.envelope())).orElse(DONE));

    /** A stream relayed as it came: it ends with its own last event, or after a cut with the front's error event. */
    static Ending framesOf(Front front) {
        return (out, cut) -> cut.ifPresent(e -> out.frame(front.cutFrame(e)));
    }

    private final ClientChannel out;
    private final String resolvedModel;
    private final byte[] quotedModel;
    private final boolean includeUsage;
    private final Map<String, String> headers;
    private final long drainNanos;
    private final Ending ending;
    private final StringBuilder produced = new StringBuilder();
    private Optional<TokenUsage> usage = Optional.empty();
    private boolean started;
    private long firstEventNanos;
    /** The failed write by which the client was found gone, and when; null while it is there. */
    private ClientChannel.ClientGoneException gone;
    private long goneAt;

    StreamRelay(ClientChannel out, String resolvedModel, boolean includeUsage, Map<String, String> headers, java.time.Duration drain,
                Ending ending) {
        this.out = out;
        this.ending = ending;
        this.resolvedModel = resolvedModel;
        this.quotedModel = Json.bytes(resolvedModel);
        this.includeUsage = includeUsage;
        this.headers = headers;
        this.drainNanos = drain.toNanos();
    }

    /** Thrown from the listener to stop reading the provider once the drain time after a hang-up is over. */
    private static final class DrainOver extends RuntimeException {
        DrainOver() {
            super("the drain time after the client left is over", null, false, false);
        }
    }

    /**
     * Relays the stream until the provider ends it. A provider failure before the first event is thrown (the client
     * gets an error response); after it, the failure is returned, to be told to the client by {@link #finish}.
     */
    Optional<ProviderException> run(Provider provider, io.hpp.router.value.Model model, ChatBody request) {
        return run(() -> provider.stream(model, request, this));
    }

    /** As {@link #run(Provider, io.hpp.router.value.Model, ChatBody)}, for a stream relayed as it came. */
    Optional<ProviderException> run(Front.Relay relay, io.hpp.router.value.Model model, Optional<Long> loweredCap) {
        return run(() -> relay.stream(model, loweredCap, resolvedModel, this));
    }

    private Optional<ProviderException> run(Runnable stream) {
        try {
            stream.run();
            return Optional.empty();
        } catch (ProviderException e) {
            if (!started) {
                throw e;
            }
            return Optional.of(e);
        } catch (DrainOver e) {
            return Optional.empty();
        }
    }

    /** Ends the client's stream as its {@link Ending} says. */
    void finish(Optional<ProviderException> cut) {
        try {
            start();
            ending.write(out, cut);
            out.closeStream();
        } catch (ClientChannel.ClientGoneException e) {
            // the client left before the last event; the request is already settled
        }
    }

    /** A chunk the scan left to the general path (usage, an unusual shape, a translated provider's): read as a tree. */
    private void onTree(ObjectNode chunk) {
        JsonNode u = chunk.get("usage");
        boolean hasUsage = u != null && u.isObject();
        if (hasUsage) {
            usage = UsageReader.read(u).or(() -> usage);
        }
        JsonNode choices = chunk.get("choices");
        collect(choices);
        if (gone != null) {
            checkDrain();
            return;
        }
        boolean usageOnly = hasUsage && (choices == null || choices.isEmpty());
        if (!includeUsage) {
            if (usageOnly) {
                return;
            }
            chunk.remove("usage");
        } else if (usageOnly && choices == null) {
            chunk.putArray("choices");
        }
        chunk.put("model", resolvedModel);
        write(() -> out.event(Json.bytes(chunk)));
    }

    @Override
    public void beforeWait() {
        if (gone != null) {
            checkDrain();
        } else if (started) {
            write(out::flush);
        }
    }

    /** The common chunk: its text is collected, its bytes relayed with the model renamed and usage:null dropped. */
    @Override
    public void onChunk(StreamChunk chunk) {
        if (chunk.tree().isPresent()) {
            onTree(chunk.tree().get());
            return;
        }
        produced.append(chunk.text());
        if (gone != null) {
            checkDrain();
            return;
        }
        write(() -> out.event(chunk.rewritten(quotedModel, includeUsage)));
    }

    /** An event of a stream relayed as it came: its usage read, its text collected, its bytes passed on. */
    @Override
    public void onFrame(Relayed.Frame frame) {
        if (frame.usage().isPresent()) {
            usage = frame.usage();
        }
        produced.append(frame.text());
        if (gone != null) {
            checkDrain();
            return;
        }
        write(() -> out.frame(frame.sse()));
    }

    /** Writes to the client; a client found gone starts the drain. */
    private void write(Runnable w) {
        try {
            start();
            w.run();
        } catch (ClientChannel.ClientGoneException e) {
            gone = e;
            goneAt = System.nanoTime();
            checkDrain();
        }
    }

    private void checkDrain() {
        if (System.nanoTime() - goneAt >= drainNanos) {
            throw new DrainOver();
        }
    }

    private void start() {
        if (!started) {
            out.openStream(headers);
            started = true;
            firstEventNanos = System.nanoTime();
        }
    }

    /** Text the model produced: content, refusals, reasoning and tool-call arguments. */
    private void collect(JsonNode choices) {
        if (choices == null) {
            return;
        }
        for (JsonNode c : choices) {
            JsonNode delta = c.path("delta");
            appendText(delta.get("content"));
            appendText(delta.get("refusal"));
            appendText(delta.get("reasoning_content"));
            for (JsonNode call : delta.path("tool_calls")) {
                appendText(call.path("function").get("name"));
                appendText(call.path("function").get("arguments"));
            }
        }
    }

    private void appendText(JsonNode n) {
        if (n != null && n.isTextual()) {
            produced.append(n.asText());
        }
    }

    boolean started() {
        return started;
    }

    /** How the client was found gone, if it was. */
    Optional<ClientChannel.ClientGoneException> clientGone() {
        return Optional.ofNullable(gone);
    }

    long firstEventNanos() {
        return firstEventNanos;
    }

    Optional<TokenUsage> usage() {
        return usage;
    }

    String produced() {
        return produced.toString();
    }
}
