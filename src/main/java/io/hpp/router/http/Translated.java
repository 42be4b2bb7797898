package io.hpp.router.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the channels that give a chat answer another API's shape ({@link MessagesChannel}, {@link ResponsesChannel}) share. */
final class Translated {
    private static final Logger LOG = LoggerFactory.getLogger(Translated.class);

    private Translated() {
    }

    /** A chat answer or chunk the pipeline wrote: always one JSON object. */
    static ObjectNode chatObject(byte[] json) {
        return Json.readObject(json).orElseThrow(() -> new IllegalStateException("the chat pipeline wrote an answer that is not a JSON object"));
    }

    /** Logs, once per request, what of the client's request the translation for the resolved model could not carry. */
    static void logDropped(String api, Map<String, String> headers, List<String> dropped) {
        if (!dropped.isEmpty()) {
            LOG.info("{} request translated for {}: not sent (no equivalent in the chat API): {}", api,
                    headers.getOrDefault("X-HPP-Router-Resolved-Model", "?"), String.join(", ", dropped));
        }
    }
}
