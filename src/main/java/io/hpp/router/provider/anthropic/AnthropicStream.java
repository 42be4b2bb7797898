package io.hpp.router.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one Anthropic event stream into OpenAI {@code chat.completion.chunk}s. Keeps what a stream needs across
 * events: the message id, which content block is which tool call, and the usage, which {@code message_start}
 * reports and {@code message_delta} reports again cumulatively, so the latter replaces (never adds to) the former.
 */
public final class AnthropicStream {
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicStream.class);

    private final long created;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private String id = "";
    private String model = "";
    private final ObjectNode usage = Json.object();
    private boolean finished;

    AnthropicStream(long created) {
        this.created = created;
    }

    /** True once {@code message_stop} arrived. */
    public boolean finished() {
        return finished;
    }

    List<ObjectNode> onEvent(JsonNode e) {
        String type = e.path("type").asText();
        return switch (type) {
            case "message_start" -> {
                JsonNode m = e.path("message");
                id = m.path("id").asText();
                model = m.path("model").asText();
                mergeUsage(m.path("usage"));
                yield List.of(chunk(Json.object().put("role", "assistant").put("content", ""), null));
            }
            case "content_block_start" -> blockStart(e.path("index").asInt(), e.path("content_block"));
            case "content_block_delta" -> blockDelta(e.path("index").asInt(), e.path("delta"));
            case "message_delta" -> {
                mergeUsage(e.path("usage"));
                String stop = e.path("delta").path("stop_reason").asText(null);
                yield stop == null ? List.of() : List.of(chunk(Json.object(), AnthropicMapper.finishReason(stop)));
            }
            case "message_stop" -> {
                finished = true;
                ObjectNode last = base();
                last.putArray("choices");
                last.set("usage", AnthropicMapper.usage(usage));
                yield List.of(last);
            }
            case "error" -> throw AnthropicMapper.fromStreamError(e.path("error"));
            case "ping", "content_block_stop" -> List.of();
            default -> {
                LOG.info("skipping unknown Anthropic stream event '{}'", type);
                yield List.of();
            }
        };
    }

    private List<ObjectNode> blockStart(int index, JsonNode block) {
        if (!block.path("type").asText().equals("tool_use")) {
            String text = block.path("text").asText("");
            return text.isEmpty() ? List.of() : List.of(chunk(Json.object().put("content", text), null));
        }
        int toolIndex = toolIndexByBlock.size();
        toolIndexByBlock.put(index, toolIndex);
        ObjectNode delta = Json.object();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", toolIndex);
        call.put("id", block.path("id").asText());
        call.put("type", "function");
        call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
        return List.of(chunk(delta, null));
    }

    private List<ObjectNode> blockDelta(int index, JsonNode delta) {
        switch (delta.path("type").asText()) {
            case "text_delta" -> {
                return List.of(chunk(Json.object().put("content", delta.path("text").asText()), null));
            }
            case "input_json_delta" -> {
                Integer toolIndex = toolIndexByBlock.get(index);
                String partial = delta.path("partial_json").asText();
                if (toolIndex == null || partial.isEmpty()) {
                    return List.of();
                }
                ObjectNode d = Json.object();
                ObjectNode call = d.putArray("tool_calls").addObject();
                call.put("index", toolIndex);
                call.putObject("function").put("arguments", partial);
                return List.of(chunk(d, null));
            }
            default -> {
                // thinking_delta, signature_delta, citations_delta: nothing an OpenAI client expects
                return List.of();
            }
        }
    }

    private void mergeUsage(JsonNode u) {
        for (String field : new String[] {"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"}) {
            if (u.hasNonNull(field)) {
                usage.put(field, AnthropicMapper.tokens(u.get(field)));
            }
        }
    }

    private ObjectNode base() {
        ObjectNode c = Json.object();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        return c;
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode c = base();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return c;
    }
}
