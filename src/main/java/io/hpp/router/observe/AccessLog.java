package io.hpp.router.observe;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import io.hpp.router.store.RequestLogEntry;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request on the {@code hpp.access} logger: ids, models, routing, tokens, cost, status and
 * timings. Never a prompt, a key or a secret.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("hpp.access");

    private AccessLog() {
    }

    /**
     * The line of a chat or image request, written straight with a generator (no tree). It is marked
     * {@link StderrAppender#BATCHED}: the request-log writer flushes it with the batch that settles the request.
     */
    public static void pipeline(RequestLogEntry e) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringWriter out = new StringWriter(384);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("request_id", e.meta().requestId());
            g.writeStringField("endpoint", e.meta().endpoint());
            g.writeStringField("consumer_id", e.consumerId());
            g.writeStringField("key_id", e.keyId());
            g.writeStringField("requested_model", e.requestedModel());
            g.writeStringField("resolved_model", e.resolvedModel().orElse(null));
            optional(g, "basket", e.basket().orElse(null));
            optional(g, "tier", e.tier().orElse(null));
            optional(g, "rule_id", e.ruleId().orElse(null));
            optional(g, "deployment", e.meta().deployment().orElse(null));
            g.writeNumberField("prompt_tokens", e.usage().promptTokens());
            g.writeNumberField("completion_tokens", e.usage().output());
            g.writeNumberField("cost", e.cost().dollars());
            g.writeNumberField("status", e.status());
            optional(g, "error", e.errorCode().orElse(null));
            g.writeBooleanField("stream", e.streamed());
            g.writeNumberField("latency_ms", e.latencyMs());
            if (e.meta().upstreamMs().isPresent()) {
                g.writeNumberField("upstream_ms", e.meta().upstreamMs().get());
            }
            if (e.ttftMs().isPresent()) {
                g.writeNumberField("ttft_ms", e.ttftMs().get());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a StringWriter does not fail
        }
        LOG.info(StderrAppender.BATCHED, out.toString());
    }

    public static void plain(String requestId, String method, String path, int status, long latencyMicros) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        ObjectNode n = Json.object();
        n.put("request_id", requestId);
        n.put("method", method);
        n.put("path", path);
        n.put("status", status);
        n.put("latency_ms", latencyMicros / 1000.0);
        LOG.info(n.toString());
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
