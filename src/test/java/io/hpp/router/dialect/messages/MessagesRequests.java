package io.hpp.router.dialect.messages;

import io.hpp.router.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Messages request bodies as clients write them and as they should not: string and block contents, tool_use and
 * tool_result, images, system as a string or blocks, tools, members in any order, unicode and every escape, white
 * space, names given twice, wrong types, numbers a tree cannot hold. {@code canonical}: written as the router's own
 * writer writes (compact, its escapes), so that a chat body made of the client's bytes has the very length of one
 * written from the tree.
 */
final class MessagesRequests {
    /** Texts whose JSON has every kind of escape, multi-byte UTF-8, and characters outside the BMP. */
    private static final List<String> TEXTS = List.of("hello", "", "Turn 3 of a long conversation about routing.",
            "é ü 中文 ñ", "emoji \uD83D\uDE00 and \uD83C\uDF89", "a \"quote\" and a back\\slash", "line\nbreak\ttab\r",
            "slash / here", "\u001b[31mred\u001b[0m", "\u2028\u2029", "null", "{\"type\":\"text\"}", "\u007f\u0000",
            "lone \uD800 surrogate");
    private static final List<String> MODELS = List.of("\"openai/gpt-5\"", "\"ollama/llama3\"", "5", "\"\"", "null", "\"  \"");

    /** One generated body. */
    record Sample(byte[] body, boolean counting, boolean canonical) {
        @Override
        public String toString() {
            return (counting ? "count_tokens " : "messages ") + (canonical ? "canonical " : "")
                    + new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Random r;
    private final boolean canonical;
    /** Without the values a translation or the chat checks refuse (half the bodies: the others are refused mostly). */
    private final boolean valid;

    private MessagesRequests(Random r, boolean canonical) {
        this.r = r;
        this.canonical = canonical;
        this.valid = r.nextBoolean();
    }

    static Sample sample(Random r) {
        boolean canonical = r.nextInt(3) == 0;
        MessagesRequests g = new MessagesRequests(r, canonical);
        return new Sample(g.body().getBytes(StandardCharsets.UTF_8), r.nextInt(8) == 0, canonical);
    }

    private String body() {
        List<String> m = new ArrayList<>();
        if (!bad(3)) {
            m.add(member("model", !bad(10) ? MODELS.get(0) : pick(MODELS)));
        }
        if (!bad(5)) {
            m.add(member("max_tokens", !bad(8) ? "1024" : pick("0", "\"x\"", "1.5", "null", "99999999999999999999", "-3")));
        }
        if (!bad(3)) {
            m.add(member("messages", !bad(3) ? messages() : pick("null", "{}", "\"hi\"", "[1]", "[]")));
        }
        if (p(40)) {
            m.add(member("system", p(50) ? text() : p(85) ? blocks(r.nextInt(3), "system") : pick("null", "5", "{}")));
        }
        if (p(30)) {
            m.add(member("tools", tools()));
        }
        if (p(20)) {
            m.add(member("tool_choice", pick("{\"type\":\"auto\"}", "{\"type\":\"any\",\"disable_parallel_tool_use\":true}",
                    "{\"type\":\"tool\",\"name\":\"get_weather\"}", "{\"type\":\"none\"}", bad(100) ? "{\"type\":\"bogus\"}" : "null")));
        }
        if (p(25)) {
            m.add(member("stream", pick("true", "false", bad(100) ? "\"yes\"" : "null")));
        }
        if (p(15)) {
            m.add(member("metadata", obj(List.of(member("user_id", text())))));
        }
        if (p(15)) {
            m.add(member("stop_sequences", "[" + text() + "]"));
        }
        if (p(15)) {
            m.add(member("temperature", bad(100) ? pick("3", "\"hot\"", "1e400", "1e99999999999") : pick("0.5", "1")));
        }
        if (p(10)) {
            m.add(member("top_p", pick("0.9", "1")));
        }
        if (p(10)) {
            m.add(member("thinking", "{\"type\":\"enabled\",\"budget_tokens\":" + (bad(50) ? "1e99999999999" : "2048") + "}"));
        }
        if (!canonical && p(8) && !m.isEmpty()) {
            m.add(m.get(r.nextInt(m.size()))); // a name given twice
            if (p(50)) {
                m.add(member("model", pick(MODELS)));
            }
        }
        return obj(m);
    }

    private String messages() {
        int n = r.nextInt(7);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(message(i % 2 == 0 ? "user" : "assistant"));
        }
        return "[" + ws() + String.join("," + ws(), out) + ws() + "]";
    }

    private String message(String usual) {
        if (bad(2)) {
            return pick("5", "\"text\"", "null", "[]");
        }
        String role = !bad(6) ? usual : pick("system", "tool", "developer", "");
        List<String> m = new ArrayList<>();
        m.add(member("role", !bad(3) ? quoted(role) : pick("5", "null")));
        if (p(97)) {
            m.add(member("content", p(45) ? text() : p(90) ? blocks(r.nextInt(4), role) : pick("null", "5", "{}", "true")));
        }
        if (p(4)) {
            m.add(member(pick("id", "role", "content", "name"), text())); // an extra member, or a name given twice
        }
        return obj(m);
    }

    private String blocks(int n, String role) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(p(60) ? textBlock() : block(role));
        }
        return "[" + String.join("," + ws(), out) + "]";
    }

    /** A text block as Claude Code sends them: with cache_control now and then. */
    private String textBlock() {
        List<String> m = new ArrayList<>(List.of(member("type", quoted("text")), member("text", text())));
        if (p(40)) {
            m.add(member("cache_control", p(85) ? "{\"type\":\"ephemeral\"}" : pick("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}",
                    "{\"ttl\":5}", bad(100) ? "{\"ttl\":1e99999999999}" : "null", "[]")));
        }
        if (p(5)) {
            m.add(member(pick("text", "type"), p(50) ? text() : "7")); // given twice
        }
        if (p(4)) {
            m.set(1, member("text", pick("5", "null", "{}", "[\"a\"]")));
        }
        return obj(m);
    }

    private String block(String role) {
        return switch (r.nextInt(7)) {
            case 0 -> obj(List.of(member("type", quoted("tool_use")), member("id", quoted("toolu_" + r.nextInt(9))),
                    member("name", quoted("get_weather")), member("input", pick("{\"city\":\"Paris\",\"days\":3}", "\"x\"", "{}",
                            "{\"deep\":{\"a\":[1,2.5,null]}}", bad(100) ? "{\"n\":1e99999999999}" : "{}"))));
            case 1 -> {
                List<String> m = new ArrayList<>(List.of(member("type", quoted("tool_result")),
                        member("tool_use_id", quoted("toolu_" + r.nextInt(9))),
                        member("content", p(50) ? text() : blocks(r.nextInt(3), "tool"))));
                if (p(30)) {
                    m.add(member("is_error", pick("true", "false")));
                }
                yield obj(m);
            }
            case 2 -> obj(List.of(member("type", quoted("image")), member("source", pick(
                    "{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}",
                    bad(40) ? "{\"type\":\"file\",\"file_id\":\"file_1\"}" : "{\"type\":\"url\",\"url\":\"https://example.com/cat.png\"}"))));
            case 3 -> obj(List.of(member("type", quoted("thinking")), member("thinking", text()), member("signature", quoted("sig"))));
            case 4 -> obj(List.of(member("type", quoted("redacted_thinking")), member("data", quoted("abc"))));
            case 5 -> pick("5", "\"text\"", "null", "{}", "{\"type\":5}", "{\"text\":\"no type\"}");
            default -> obj(List.of(member("type", quoted(role.equals("assistant") ? "tool_use" : "document")),
                    member("name", quoted("t")), member("id", quoted("toolu_x"))));
        };
    }

    private String tools() {
        List<String> out = new ArrayList<>();
        for (int i = r.nextInt(3); i >= 0; i--) {
            out.add(p(80) ? obj(List.of(member("name", quoted("get_weather" + i)), member("description", text()),
                    member("input_schema", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")))
                    : obj(List.of(member("type", quoted("web_search_20250305")), member("name", quoted("web_search")),
                    member("max_uses", "5"))));
        }
        return "[" + String.join(",", out) + "]";
    }

    /** A JSON object of the members, in their order or (now and then) shuffled. */
    private String obj(List<String> members) {
        List<String> m = new ArrayList<>(members);
        if (p(25)) {
            Collections.shuffle(m, r);
        }
        return "{" + ws() + String.join("," + ws(), m) + ws() + "}";
    }

    private String member(String name, String json) {
        return quoted(name) + ws() + ":" + ws() + json;
    }

    private String text() {
        if (p(20)) {
            return quoted(pick(TEXTS) + pick(TEXTS));
        }
        return quoted(pick(TEXTS));
    }

    /** The JSON of {@code s}: the router's writer's escapes, or (not canonical) every escape JSON allows. */
    private String quoted(String s) {
        if (canonical || p(50)) {
            return new String(Json.bytes(s), StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '/' -> sb.append("\\/");
                default -> sb.append(c < 0x20 || c > 0x7e || p(3) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    private String ws() {
        return canonical ? "" : pick("", "", "", " ", "\n  ", "\t");
    }

    /** A value some check refuses, {@code percent} of the time, in a body not meant to be valid. */
    private boolean bad(int percent) {
        return !valid && p(percent);
    }

    private boolean p(int percent) {
        return r.nextInt(100) < percent;
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(r.nextInt(options.size()));
    }
}
