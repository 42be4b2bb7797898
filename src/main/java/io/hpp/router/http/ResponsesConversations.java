package io.hpp.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.Store;
import io.hpp.router.store.StoreException;
import io.hpp.router.store.StoredResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Responses API's conversation state, which the router owns whatever model served a turn: a response kept with
 * the whole input before it ({@code store}, true unless the client says false), and {@code previous_response_id}
 * expanded into that input plus the response's output before the request is routed, so a conversation continues on
 * any provider, on any node. What is kept is a consumer's prompts: only ids are ever logged.
 */
final class ResponsesConversations {
    private static final Logger LOG = LoggerFactory.getLogger(ResponsesConversations.class);

    private final Store store;
    private final Duration retention;

    ResponsesConversations(Store store, Duration retention) {
        this.store = store;
        this.retention = retention;
    }

    /** A request with its conversation so far: the request to run, and the input to keep with its response. */
    record Expanded(ObjectNode request, ArrayNode input) {
    }

    /**
     * The request with {@code previous_response_id} replaced by the conversation it names (its input, then its output
     * but reasoning items, which only the provider that made them can read), then the request's own input.
     */
    Expanded expand(ObjectNode request, String consumerId) {
        ArrayNode input = Json.MAPPER.createArrayNode();
        JsonNode previous = request.get("previous_response_id");
        ObjectNode out = request;
        if (previous != null && !previous.isNull()) {
            if (!previous.isTextual()) {
                throw ApiException.invalidRequest("previous_response_id: the id of a stored response is required");
            }
            StoredResponse stored = store.storedResponse(previous.asText(), consumerId, System.currentTimeMillis())
                    .orElseThrow(() -> new ApiException(400, "invalid_request",
                            "Previous response with id '" + previous.asText() + "' not found (responses are kept " + retention.toDays()
                                    + " days, for the consumer that made them, unless made with store: false)"));
            input.addAll(array(stored.input()));
            for (JsonNode item : object(stored.response()).path("output")) {
                if (!item.path("type").asText().equals("reasoning")) {
                    input.add(item);
                }
            }
            out = Json.shallowCopy(request);
            out.remove("previous_response_id");
        }
        JsonNode given = request.get("input");
        if (given != null && given.isTextual()) {
            input.addObject().put("type", "message").put("role", "user").put("content", given.asText());
        } else if (given != null && given.isArray()) {
            input.addAll((ArrayNode) given);
        }
        if (out != request) {
            out.set("input", input);
        }
        return new Expanded(out, input);
    }

    /** Whether the request asks for its response to be kept ({@code store}: true unless false, as at OpenAI). */
    static boolean storing(ObjectNode request) {
        return request.path("store").asBoolean(true);
    }

    /** Keeps a response with its input; a failure is logged (ids only) and the answer goes out all the same. */
    void keep(String consumerId, ArrayNode input, ObjectNode response) {
        String id = response.path("id").asText("");
        if (id.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try {
            store.storeResponse(new StoredResponse(id, consumerId, now, now + retention.toMillis(), input.toString(),
                    response.toString()));
        } catch (StoreException e) {
            LOG.warn("response {} of consumer {} was not stored: {}", id, consumerId, e.getMessage());
        }
    }

    Optional<ObjectNode> find(String id, String consumerId) {
        return store.storedResponse(id, consumerId, System.currentTimeMillis()).map(r -> object(r.response()));
    }

    boolean delete(String id, String consumerId) {
        return store.deleteStoredResponse(id, consumerId);
    }

    private static ArrayNode array(String json) {
        JsonNode n = parse(json);
        return n instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode();
    }

    private static ObjectNode object(String json) {
        JsonNode n = parse(json);
        return n instanceof ObjectNode o ? o : Json.object();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("a stored response is not JSON", e);
        }
    }
}
