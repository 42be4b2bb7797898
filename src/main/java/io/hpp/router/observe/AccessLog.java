package io.hpp.router.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.Json;
import io.hpp.router.store.RequestLogEntry;
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

    public static void pipeline(RequestLogEntry e) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        ObjectNode n = Json.object();
        n.put("request_id", e.meta().requestId());
        n.put("endpoint", e.meta().endpoint());
        n.put("consumer_id", e.consumerId());
        n.put("key_id", e.keyId());
        n.put("requested_model", e.requestedModel());
        n.put("resolved_model", e.resolvedModel().orElse(null));
        e.basket().ifPresent(b -> n.put("basket", b));
        e.tier().ifPresent(t -> n.put("tier", t));
        e.ruleId().ifPresent(r -> n.put("rule_id", r));
        n.put("prompt_tokens", e.usage().promptTokens());
        n.put("completion_tokens", e.usage().output());
        n.put("cost", e.cost().dollars());
        n.put("status", e.status());
        e.errorCode().ifPresent(c -> n.put("error", c));
        n.put("stream", e.streamed());
        n.put("latency_ms", e.latencyMs());
        e.meta().upstreamMs().ifPresent(u -> n.put("upstream_ms", u));
        e.ttftMs().ifPresent(t -> n.put("ttft_ms", t));
        LOG.info(n.toString());
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
}
