package io.hpp.router.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.wire.ChatRequest;

/**
 * Input-token bounds for quota. {@link #bound} is free: a token is at least one UTF-8 byte, so the body's bytes
 * bound its text, and each image is bounded apart. {@link #estimate} runs the o200k tokenizer (~0.3 µs a token) and
 * is used only when the balance is too tight for the bound; it adds a margin because other providers' tokenizers
 * may count more, and never exceeds the bound.
 */
public final class TokenEstimator {
    private final PromptTokens counts;

    /** @param counts the routing estimator, whose per-text cache this shares (a text is tokenized once) */
    public TokenEstimator(PromptTokens counts) {
        this.counts = counts;
    }

    /** Upper bound of the tokens one image costs at any provider we serve (OpenAI high detail, Anthropic ≤ 1.15 MP). */
    public static final long IMAGE_TOKENS = 2_000;
    private static final long PER_MESSAGE = 4;
    private static final long PER_REQUEST = 8;


    public long bound(ChatRequest r) {
        return r.boundBytes() + IMAGE_TOKENS * r.imageParts() + PER_REQUEST;
    }

    public long estimate(ChatRequest r) {
        long tokens = PER_REQUEST;
        for (JsonNode m : r.body().value("messages")) {
            tokens += PER_MESSAGE + countText(m);
        }
        JsonNode tools = r.body().value("tools");
        if (tools != null) {
            tokens += counts.text(tools.toString());
        }
        tokens += IMAGE_TOKENS * r.imageParts();
        long withMargin = tokens + (tokens + 3) / 4;
        return Math.min(withMargin, bound(r));
    }

    /** Tokens of every string in a message except image URLs (bounded apart). */
    private long countText(JsonNode node) {
        if (node.isTextual()) {
            return counts.text(node.asText());
        }
        long n = 0;
        if (node.isObject()) {
            for (var e : node.properties()) {
                if (!e.getKey().equals("image_url")) {
                    n += countText(e.getValue());
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                n += countText(child);
            }
        }
        return n;
    }

    /** Tokens of generated text, for streams cut short without a usage report. */
    public long count(String text) {
        return Tokenizer.count(text);
    }
}
