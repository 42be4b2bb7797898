package io.hpp.router.security;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Request bodies of a given size whose JSON trees are many times that size (issue 24: a 17 MiB body of
 * {@code "junk":[{},{},…]} ran a 320 MiB heap out of memory). Heap per body byte of each shape's Jackson tree, measured
 * at 4 MB: empty objects 31×, nested arrays 52×, nested objects 35×, short strings 14×, decimals 15×, unique names 8×.
 */
enum HostileShapes {
    EMPTY_OBJECTS,
    NESTED_ARRAYS,
    NESTED_OBJECTS,
    SHORT_STRINGS,
    DECIMALS,
    UNIQUE_TOP_LEVEL_NAMES,
    PARTS_OF_A_MESSAGE,
    TOOL_SCHEMA,
    TOOL_CALL_ARGUMENTS;

    static final String CHAT_HEAD = "{\"model\":\"hpprouter/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],";

    /** A chat request (model {@code model}) of about {@code size} bytes in this shape. */
    byte[] chat(String model, int size) {
        String head = CHAT_HEAD.replace("hpprouter/auto", model);
        String body = switch (this) {
            case EMPTY_OBJECTS -> head + "\"junk\":[" + repeat(size, i -> "{}") + "]}";
            case NESTED_ARRAYS -> head + "\"junk\":[" + repeat(size, i -> "[".repeat(150) + "]".repeat(150)) + "]}";
            case NESTED_OBJECTS -> head + "\"junk\":[" + repeat(size, i -> "{\"a\":".repeat(150) + "0" + "}".repeat(150)) + "]}";
            case SHORT_STRINGS -> head + "\"junk\":[" + repeat(size, i -> "\"ab\"") + "]}";
            case DECIMALS -> head + "\"junk\":[" + repeat(size, i -> "1.5") + "]}";
            case UNIQUE_TOP_LEVEL_NAMES -> head + repeat(size, i -> "\"k" + i + "\":0") + "}";
            case PARTS_OF_A_MESSAGE -> head.replace("\"content\":\"hi\"", "\"content\":[" + repeat(size, i -> "{}") + "]")
                    .replaceAll(",$", "") + "}";
            case TOOL_SCHEMA -> head + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\","
                    + "\"x\":[" + repeat(size, i -> "{}") + "]}}}]}";
            case TOOL_CALL_ARGUMENTS -> head.replace("\"hi\"}],", "\"hi\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{"
                    + "\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":["
                    + repeat(size, i -> "{}") + "]}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"ok\"}]") + "}";
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** An image request of about {@code size} bytes in this shape (its tool shapes: the empty objects). */
    byte[] image(int size) {
        String chat = new String(chat("gpt-image-1", size), StandardCharsets.UTF_8);
        return ("{\"prompt\":\"a cat\"," + chat.substring(1)).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code item(0)}, {@code item(1)}, … joined by commas, to about {@code size} characters. */
    private static String repeat(int size, IntFunction<String> item) {
        StringBuilder sb = new StringBuilder(size + 1024);
        for (int i = 0; sb.length() < size; i++) {
            sb.append(i == 0 ? "" : ",").append(item.apply(i));
        }
        return sb.toString();
    }
}
