package io.hpp.router.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Our own JSON scans ({@link JsonCursor}, {@link StreamChunk}, {@link Completion}) replace Jackson on the relay's hot
 * path, so Jackson is their oracle here: random documents shaped like provider chunks and answers — escapes, non-ASCII
 * text, numbers of every form, white space anywhere, unknown members and nesting — and the same documents damaged
 * (cut, a byte changed, a byte inserted) go through both. Whatever a scan accepts, Jackson reads as the same JSON, and
 * what the scan makes of it (the text billed, the usage, the bytes relayed) is what the tree says; whatever Jackson
 * refuses, the scans refuse.
 */
class WireScanProperties {
    private static final byte[] RENAMED = Json.bytes("hpp/renamed \"model\" é");
    private static final List<String> STRINGS = List.of("", "a", "Hello", " world", "caf\u00e9", "\u4e2d\u6587", "\ud83d\ude80",
            "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\r\\n", "\\b\\f", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\u2028", "\\u0000",
            "{\\\"city\\\":\\\"Paris\\\"}", "model", "usage", "null", "[1,2]", ":", ",", "}", "]");
    private static final List<String> NUMBERS = List.of("0", "-0", "7", "-12", "123456789012345678901234567890", "0.5",
            "-3.25", "1e5", "1E+5", "2.5e-3", "9223372036854775807", "-9223372036854775808", "1.7976931348623157e308");
    private static final List<String> SPACE = List.of("", "", "", " ", "  ", "\t", "\r\n", "\n ");

    @Property(tries = 3000)
    void streamChunksAreReadAsJacksonReadsThem(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] chunk = utf8(chunk(r));
        assertThat(StreamChunk.scan(oneLine(chunk))).as("a well-formed common chunk is scanned: %s", text(chunk)).isPresent();
        for (byte[] doc : List.of(oneLine(chunk), damaged(chunk, r), damaged(chunk, r), damaged(chunk, r))) {
            Optional<StreamChunk> scanned = StreamChunk.scan(doc);
            Optional<JsonNode> tree = jackson(doc);
            if (scanned.isEmpty()) {
                continue;
            }
            assertThat(wellFormed(doc)).as("scanned, so it is well-formed JSON: %s", text(doc)).isTrue();
            if (tree.isEmpty()) {
                continue; // a number beyond every range: relayed as the provider sent it, for the client to judge
            }
            ObjectNode t = (ObjectNode) tree.get();
            assertThat(t.get("model").isTextual()).isTrue();
            assertThat(t.has("error")).isFalse();
            assertThat(!t.has("usage") || t.get("usage").isNull()).isTrue();
            assertThat(scanned.get().text()).as(text(doc)).isEqualTo(billedText(t));
            for (boolean keepUsage : new boolean[] {false, true}) {
                ObjectNode expected = t.deepCopy();
                expected.put("model", "hpp/renamed \"model\" é");
                if (!keepUsage) {
                    expected.remove("usage");
                }
                assertThat(jackson(scanned.get().rewritten(RENAMED, keepUsage))).as(text(doc)).contains(expected);
            }
        }
    }

    @Property(tries = 3000)
    void completionsAreReadAsJacksonReadsThem(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] answer = utf8(completion(r));
        assertThat(Completion.scan(answer)).as("a well-formed answer is scanned: %s", text(answer)).isPresent();
        for (byte[] doc : List.of(answer, damaged(answer, r), damaged(answer, r), damaged(answer, r))) {
            Optional<Completion> scanned = Completion.scan(doc);
            Optional<JsonNode> tree = jackson(doc);
            if (scanned.isEmpty()) {
                continue;
            }
            assertThat(wellFormed(doc)).as("scanned, so it is well-formed JSON: %s", text(doc)).isTrue();
            assertThat(scanned.get().usage()).as("a usage the router cannot read is never scanned: %s", text(doc)).isNotNull();
            if (tree.isEmpty()) {
                continue; // a number beyond every range outside the usage: relayed as the provider sent it
            }
            ObjectNode t = (ObjectNode) tree.get();
            assertThat(scanned.get().usage()).as(text(doc)).isEqualTo(t.get("usage"));
            ObjectNode expected = t.deepCopy();
            expected.put("model", "renamed");
            assertThat(jackson(scanned.get().withModel("renamed"))).as(text(doc)).contains(expected);
        }
    }

    @Property(tries = 3000)
    void theCursorAcceptsExactlyWhatJacksonAccepts(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] value = utf8(value(r, 0));
        for (byte[] doc : List.of(value, damaged(value, r), damaged(value, r))) {
            boolean cursor;
            try {
                JsonCursor c = new JsonCursor(doc);
                c.skipValue();
                cursor = c.atEnd();
            } catch (JsonCursor.Malformed e) {
                cursor = false;
            }
            assertThat(cursor).as(text(doc)).isEqualTo(wellFormed(doc));
        }
    }

    // ---- documents

    private static String chunk(Random r) {
        StringBuilder delta = new StringBuilder("{");
        member(delta, r, "role", "\"assistant\"");
        member(delta, r, "content", str(r));
        if (r.nextInt(4) == 0) {
            member(delta, r, "reasoning_content", str(r));
        }
        if (r.nextInt(6) == 0) {
            member(delta, r, "refusal", r.nextBoolean() ? str(r) : "null");
        }
        if (r.nextInt(3) == 0) {
            member(delta, r, "tool_calls", "[{\"index\":0,\"id\":" + str(r) + ",\"type\":\"function\",\"function\":{\"name\":"
                    + str(r) + ",\"arguments\":" + str(r) + "}}" + (r.nextBoolean() ? ",{\"function\":{\"arguments\":" + str(r) + "}}" : "") + "]");
        }
        delta.append('}');
        StringBuilder c = new StringBuilder("{");
        member(c, r, "id", str(r));
        member(c, r, "object", "\"chat.completion.chunk\"");
        member(c, r, "created", NUMBERS.get(r.nextInt(NUMBERS.size())));
        member(c, r, "model", str(r));
        member(c, r, "choices", "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + (r.nextBoolean() ? "null" : str(r)) + "}]");
        if (r.nextBoolean()) {
            member(c, r, "usage", "null");
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            member(c, r, "x_extra" + i, value(r, 0));
        }
        return close(c);
    }

    private static String completion(Random r) {
        StringBuilder c = new StringBuilder("{");
        member(c, r, "id", str(r));
        member(c, r, "object", "\"chat.completion\"");
        member(c, r, "model", str(r));
        member(c, r, "choices", "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + str(r) + "},\"finish_reason\":\"stop\"}]");
        member(c, r, "usage", "{\"prompt_tokens\":" + NUMBERS.get(r.nextInt(NUMBERS.size())) + ",\"completion_tokens\":"
                + NUMBERS.get(r.nextInt(NUMBERS.size())) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + r.nextInt(100) + "}}");
        for (int i = r.nextInt(3); i > 0; i--) {
            member(c, r, "x_extra" + i, value(r, 0));
        }
        return close(c);
    }

    private static String value(Random r, int depth) {
        int kind = depth > 6 ? r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> str(r);
            case 1 -> NUMBERS.get(r.nextInt(NUMBERS.size()));
            case 2 -> List.of("true", "false", "null").get(r.nextInt(3));
            case 3 -> str(r);
            case 4 -> {
                StringBuilder a = new StringBuilder("[");
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.append(sp(r)).append(value(r, depth + 1)).append(sp(r)).append(i > 1 ? "," : "");
                }
                yield a.append(']').toString();
            }
            default -> {
                StringBuilder o = new StringBuilder("{");
                for (int i = r.nextInt(4); i > 0; i--) {
                    member(o, r, "k" + i, value(r, depth + 1));
                }
                yield close(o);
            }
        };
    }

    private static String str(Random r) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = r.nextInt(5); i > 0; i--) {
            s.append(STRINGS.get(r.nextInt(STRINGS.size())));
        }
        return s.append('"').toString();
    }

    private static void member(StringBuilder o, Random r, String name, String value) {
        if (o.length() > 1) {
            o.append(sp(r)).append(',');
        }
        o.append(sp(r)).append('"').append(name).append('"').append(sp(r)).append(':').append(sp(r)).append(value);
    }

    private static String close(StringBuilder o) {
        return o.append('}').toString();
    }

    private static String sp(Random r) {
        return SPACE.get(r.nextInt(SPACE.size()));
    }

    /** The document cut short, or with one byte changed, or with one byte inserted. */
    private static byte[] damaged(byte[] doc, Random r) {
        if (doc.length == 0) {
            return doc;
        }
        int at = r.nextInt(doc.length);
        String bytes = "{}[]\",:0-.eE\\ntfu\u0001\u00ff";
        byte b = (byte) bytes.charAt(r.nextInt(bytes.length()));
        return switch (r.nextInt(3)) {
            case 0 -> java.util.Arrays.copyOf(doc, at);
            case 1 -> {
                byte[] d = doc.clone();
                d[at] = b;
                yield d;
            }
            default -> {
                byte[] d = new byte[doc.length + 1];
                System.arraycopy(doc, 0, d, 0, at);
                d[at] = b;
                System.arraycopy(doc, at, d, at + 1, doc.length - at);
                yield d;
            }
        };
    }

    /** A chunk relayed as one SSE data line: line breaks between tokens become spaces. */
    private static byte[] oneLine(byte[] doc) {
        byte[] d = doc.clone();
        for (int i = 0; i < d.length; i++) {
            if (d[i] == '\n' || d[i] == '\r') {
                d[i] = ' ';
            }
        }
        return d;
    }

    // ---- the oracle

    /**
     * The router's reading ({@link Json#readTree}) of exactly one JSON value with nothing after it, or empty when it is
     * not well-formed JSON, or holds a number no Java number holds (which the router reads as no JSON at all).
     */
    private static Optional<JsonNode> jackson(byte[] doc) {
        if (!wellFormed(doc)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.readTree(doc));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Jackson's tokenizer over the whole document, without reading numbers' values: RFC 8259 syntax only. */
    private static boolean wellFormed(byte[] doc) {
        try (JsonParser p = Json.MAPPER.createParser(doc)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The text a stream bills for, in the order the chunk holds it: content, refusal, reasoning, tool names and arguments. */
    private static String billedText(JsonNode chunk) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode d = choice.path("delta");
            d.properties().forEach(e -> {
                if (List.of("content", "refusal", "reasoning_content").contains(e.getKey()) && e.getValue().isTextual()) {
                    sb.append(e.getValue().asText());
                } else if (e.getKey().equals("tool_calls")) {
                    for (JsonNode call : e.getValue()) {
                        call.path("function").properties().forEach(f -> {
                            if ((f.getKey().equals("name") || f.getKey().equals("arguments")) && f.getValue().isTextual()) {
                                sb.append(f.getValue().asText());
                            }
                        });
                    }
                }
            });
        }
        return sb.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
