package io.hpp.router.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The checks made on a request's tokens ({@link RequestCheck}) give the verdict the checks on its tree gave before them
 * (kept here as the oracle, as they were): the same facts, or the same first problem, for thousands of requests —
 * valid ones and ones wrong in every way the checks know, members in any order, names given twice.
 */
class RequestCheckTest {
    private record Facts(String model, boolean stream, boolean includeUsage, Optional<Long> outputCap, Optional<String> capField,
                         boolean bothCaps, int answers, int messages, int imageParts, long boundBytes) {
        static Facts of(ChatRequest r) {
            return new Facts(r.model(), r.stream(), r.includeUsage(), r.outputCap(), r.capField(), r.bothCaps(), r.answers(),
                    r.messages(), r.imageParts(), r.boundBytes());
        }
    }

    @Test
    void tokensAndTreeGiveTheSameVerdict() {
        Random random = new Random(7);
        int problems = 0;
        for (int i = 0; i < 4_000; i++) {
            String request = request(random);
            byte[] raw = request.getBytes(StandardCharsets.UTF_8);
            String expected = verdict(() -> Oracle.check(Json.requestObject(raw), raw.length));
            String actual = verdict(() -> {
                ChatRequest r = ChatRequest.parse(raw);
                assertThat(r.tree()).as("the tree made later").isEqualTo(Json.requestObject(raw));
                return Facts.of(r);
            });
            assertThat(actual).as(request).isEqualTo(expected);
            problems += expected.startsWith("400") ? 1 : 0;
        }
        assertThat(problems).as("both kinds were tried").isBetween(1_000, 3_000);
    }

    private static String verdict(Supplier<Facts> check) {
        try {
            return check.get().toString();
        } catch (ApiException e) {
            return e.status() + " " + e.getMessage();
        }
    }

    // ---- random requests: mostly right, each member sometimes wrong

    private static String request(Random r) {
        StringBuilder s = new StringBuilder("{");
        String[] order = {"model", "messages", "stream", "stream_options", "max_completion_tokens", "max_tokens", "n", "temperature",
            "user", "top_p", "tools"};
        int n = 0;
        for (int k = 0; k < order.length + 2; k++) {
            String name = order[r.nextInt(order.length)];
            if (k < 2) {
                name = order[k]; // model and messages are usually there
                if (r.nextInt(20) == 0) {
                    continue;
                }
            } else if (r.nextInt(3) != 0) {
                continue;
            }
            s.append(n++ == 0 ? "" : ",").append(r.nextBoolean() ? "" : " ").append('"').append(name).append("\":").append(value(name, r));
        }
        return s.append('}').toString();
    }

    private static String value(String name, Random r) {
        boolean wrong = r.nextInt(12) == 0;
        return switch (name) {
            case "model" -> wrong ? pick(r, "1", "\"\"", "\"  \"", "null", "[\"m\"]", "\"gpt\\u0000\"", "\"" + "m".repeat(257) + "\"")
                    : "\"openai/gpt-" + r.nextInt(5) + "\"";
            case "messages" -> wrong ? pick(r, "[]", "{}", "\"hi\"", "null") : messages(r);
            case "stream", "include_usage" -> wrong ? pick(r, "1", "\"true\"", "{}") : pick(r, "true", "false", "null");
            case "stream_options" -> wrong ? pick(r, "1", "[]", "true")
                    : pick(r, "null", "{}", "{\"include_usage\":" + value("include_usage", r) + "}", "{\"x\":[1,{\"y\":2}],\"include_usage\":true}");
            case "max_completion_tokens", "max_tokens" -> wrong
                    ? pick(r, "0", "-3", "1.5", "1e3", "\"64\"", "99999999999999999999", "[1]", "1000000001", "9223372036854775807")
                    : pick(r, "64", "1", "null", "4096", "1000000000");
            case "n" -> wrong ? pick(r, "0", "129", "1.5", "\"2\"") : pick(r, "1", "128", "null", "3");
            case "temperature" -> wrong ? pick(r, "\"hot\"", "true", "{}", "-0.1", "2.01", "1e999999999") : pick(r, "0.7", "1", "null", "2e-1", "2", "0");
            case "top_p", "tools" -> wrong ? pick(r, "1e400", "[{\"a\":[1,-1e-400]}]", "0e999999999") : pick(r, "0.5", "[{\"a\":[1e300]}]", "1");
            default -> pick(r, "\"u\\u00e9\"", "{\"a\":[]}", "null");
        };
    }

    private static String messages(Random r) {
        StringBuilder s = new StringBuilder("[");
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append(message(r));
        }
        return s.append(']').toString();
    }

    private static String message(Random r) {
        boolean wrong = r.nextInt(10) == 0;
        if (wrong && r.nextInt(4) == 0) {
            return pick(r, "\"hi\"", "1", "null", "[]");
        }
        String role = wrong && r.nextBoolean() ? pick(r, "\"robot\"", "1", "null") : "\"" + pick(r, "user", "assistant", "system", "tool", "developer") + "\"";
        String content = wrong ? pick(r, "1", "{}", "null", "true") : pick(r, "\"Hello \\\"there\\\" \u00fc\"", "\"Hi\"", "null", parts(r), parts(r), parts(r));
        StringBuilder m = new StringBuilder("{");
        String[] members = r.nextBoolean()
                ? new String[] {"\"role\":" + role, "\"content\":" + content}
                : new String[] {"\"content\":" + content, "\"name\":\"n\"", "\"role\":" + role};
        for (int i = 0; i < members.length; i++) {
            m.append(i == 0 ? "" : ",").append(members[i]);
        }
        if (r.nextInt(4) == 0) {
            m.append(",\"tool_calls\":").append(pick(r, "[]", "null", "[{\"id\":\"c\"}]"));
        }
        if (r.nextInt(15) == 0) {
            m.append(",\"role\":").append(pick(r, "\"user\"", "2")); // a name given twice: the last counts
        }
        return m.append('}').toString();
    }

    private static String parts(Random r) {
        StringBuilder s = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            boolean wrong = r.nextInt(8) == 0;
            String part = switch (r.nextInt(4)) {
                case 0 -> wrong ? pick(r, "{\"type\":\"text\",\"text\":5}", "{\"type\":\"text\"}", "\"x\"", "{\"type\":1}", "{}")
                        : "{\"type\":\"text\",\"text\":\"hi\"}";
                case 1, 2 -> wrong ? pick(r, "{\"type\":\"image_url\"}", "{\"type\":\"image_url\",\"image_url\":\"https://x\"}",
                        "{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://x\"}}", "{\"type\":\"image_url\",\"image_url\":{\"url\":7}}")
                        : "{\"image_url\":{\"detail\":\"low\",\"url\":\"" + pick(r, "https://a.example/i.png", "data:image/png;base64,AAAA", "http://b")
                        + "\"},\"type\":\"image_url\"}";
                default -> "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA\"}}";
            };
            s.append(i == 0 ? "" : ",").append(part);
        }
        return s.append(']').toString();
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    /** The checks as they were made on the request's tree until the checks on its tokens replaced them. */
    private static final class Oracle {
        private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

        static Facts check(ObjectNode body, int rawLength) {
            JsonNode model = body.get("model");
            if (model == null || !model.isTextual() || model.asText().isBlank()) {
                throw ApiException.invalidRequest("Field 'model' is required and must be a non-empty string");
            }
            if (model.asText().length() > 256) {
                throw ApiException.invalidRequest("Field 'model' must be at most 256 characters, got " + model.asText().length());
            }
            if (model.asText().chars().anyMatch(Character::isISOControl)) {
                int at = model.asText().chars().filter(Character::isISOControl).findFirst().orElseThrow();
                throw ApiException.invalidRequest("Field 'model' must not contain control characters (U+" + String.format("%04X", at)
                        + " at " + model.asText().indexOf(at) + ")");
            }
            JsonNode messages = body.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                throw ApiException.invalidRequest("Field 'messages' is required and must be a non-empty array");
            }
            int images = 0;
            long imageUrlBytes = 0;
            for (int i = 0; i < messages.size(); i++) {
                long[] check = checkMessage(messages.get(i), "messages[" + i + "]");
                images += (int) check[0];
                imageUrlBytes += check[1];
            }
            boolean stream = bool(body, "stream");
            JsonNode options = body.get("stream_options");
            if (options != null && !options.isNull() && !options.isObject()) {
                throw ApiException.invalidRequest("Field 'stream_options' must be an object");
            }
            boolean includeUsage = options != null && options.isObject() && bool((ObjectNode) options, "include_usage");
            Optional<Long> maxCompletion = positiveInt(body, "max_completion_tokens", 1_000_000_000);
            Optional<Long> maxTokens = positiveInt(body, "max_tokens", 1_000_000_000);
            int n = positiveInt(body, "n", 128).orElse(1L).intValue();
            JsonNode temperature = body.get("temperature");
            if (temperature != null && !temperature.isNull() && (!temperature.isNumber() || temperature.decimalValue().signum() < 0
                    || temperature.decimalValue().compareTo(java.math.BigDecimal.valueOf(2)) > 0)) {
                throw ApiException.invalidRequest("Field 'temperature' must be a number from 0 to 2");
            }
            java.util.TreeSet<String> outOfRange = new java.util.TreeSet<>();
            body.properties().forEach(e -> {
                if (outOfRange(e.getValue())) {
                    outOfRange.add(e.getKey());
                }
            });
            if (!outOfRange.isEmpty()) {
                throw ApiException.invalidRequest("Field '" + outOfRange.first() + "' holds a number out of range (beyond a double's, about 1e308)");
            }
            boolean both = maxCompletion.isPresent() && maxTokens.isPresent();
            Optional<String> capField = both ? Optional.empty() : maxCompletion.isPresent() ? Optional.of("max_completion_tokens")
                    : maxTokens.isPresent() ? Optional.of("max_tokens") : Optional.empty();
            Optional<Long> cap = both ? Optional.of(Math.min(maxCompletion.get(), maxTokens.get())) : maxCompletion.or(() -> maxTokens);
            return new Facts(model.asText(), stream, includeUsage, cap, capField, both, n, messages.size(), images,
                    Math.max(0, rawLength - imageUrlBytes));
        }

        /** A non-integer whose decimal exponent is beyond a double's (-324 to 308), at any depth. */
        private static boolean outOfRange(JsonNode n) {
            if (n.isBigDecimal()) {
                long exponent = (long) n.decimalValue().precision() - n.decimalValue().scale() - 1;
                return exponent > 308 || exponent < -324;
            }
            for (JsonNode child : n) {
                if (outOfRange(child)) {
                    return true;
                }
            }
            return false;
        }

        private static long[] checkMessage(JsonNode m, String where) {
            if (!m.isObject()) {
                throw ApiException.invalidRequest("Field '" + where + "' must be an object");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw ApiException.invalidRequest("Field '" + where + ".role' must be one of system, user, assistant, tool");
            }
            JsonNode content = m.get("content");
            boolean mayOmitContent = role.asText().equals("assistant") && (m.has("tool_calls") || m.has("function_call"));
            if (content == null || content.isNull()) {
                if (mayOmitContent) {
                    return new long[] {0, 0};
                }
                throw ApiException.invalidRequest("Field '" + where + ".content' is required: a string or an array of parts");
            }
            if (content.isTextual()) {
                return new long[] {0, 0};
            }
            if (!content.isArray()) {
                throw ApiException.invalidRequest("Field '" + where + ".content' must be a string or an array of parts");
            }
            long images = 0;
            long urlBytes = 0;
            for (int p = 0; p < content.size(); p++) {
                String pw = where + ".content[" + p + "]";
                JsonNode part = content.get(p);
                JsonNode type = part.get("type");
                if (!part.isObject() || type == null || !type.isTextual()) {
                    throw ApiException.invalidRequest("Field '" + pw + ".type' is required and must be a string");
                }
                switch (type.asText()) {
                    case "text" -> {
                        if (!part.path("text").isTextual()) {
                            throw ApiException.invalidRequest("Field '" + pw + ".text' must be a string");
                        }
                    }
                    case "image_url" -> {
                        JsonNode url = part.path("image_url").path("url");
                        if (!url.isTextual()) {
                            throw ApiException.invalidRequest("Field '" + pw + ".image_url.url' is required and must be a string");
                        }
                        String u = url.asText();
                        if (!(u.startsWith("https://") || u.startsWith("http://") || u.startsWith("data:"))) {
                            throw ApiException.invalidRequest("Field '" + pw + ".image_url.url' must be an http(s) URL or a data: URL");
                        }
                        images++;
                        urlBytes += u.length();
                    }
                    default -> {
                        // other part types pass through
                    }
                }
            }
            return new long[] {images, urlBytes};
        }

        private static boolean bool(ObjectNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return false;
            }
            if (!v.isBoolean()) {
                throw ApiException.invalidRequest("Field '" + field + "' must be true or false");
            }
            return v.asBoolean();
        }

        private static Optional<Long> positiveInt(ObjectNode n, String field, long max) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return Optional.empty();
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1 || v.asLong() > max) {
                throw ApiException.invalidRequest("Field '" + field + "' must be an integer from 1 to " + max);
            }
            return Optional.of(v.asLong());
        }
    }
}
