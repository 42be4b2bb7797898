package io.hpp.router.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the clients' stream accumulators rely on (openai-java's, the Python and Node SDKs', Codex's): events numbered
 * 0, 1, 2 … with the type repeated in the data; {@code response.created} and {@code response.in_progress} first; each
 * output item added at the next output_index, fed only while open (a message's text inside its one content part),
 * and done with the text or arguments its deltas add up to, before the next is added; the same response id
 * throughout; and last, alone, {@code response.completed} or {@code response.incomplete} with no item open and the
 * done items as its output, or {@code response.failed} with an error and only the items done before it.
 */
final class StreamShape {
    private StreamShape() {
    }

    /** An event as an SSE parser reads it back from {@link ResponsesEvent#sse()}'s framing. */
    record Sse(String event, JsonNode data) {
    }

    static List<Sse> parse(String text) throws IOException {
        List<Sse> events = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String name = null;
            String data = null;
            for (String line : block.strip().split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            events.add(new Sse(name, Json.readTree(data)));
        }
        return events;
    }

    static void assertWellFormed(List<Sse> events) throws IOException {
        assertThat(events.size()).isGreaterThanOrEqualTo(3);
        String responseId = events.get(0).data().path("response").path("id").asText();
        assertThat(responseId).isNotEmpty();
        for (int i = 0; i < events.size(); i++) {
            Sse e = events.get(i);
            assertThat(e.data().path("type").asText()).as("type of event " + i).isEqualTo(e.event());
            assertThat(e.data().path("sequence_number").asInt(-1)).as("sequence_number of " + e.event()).isEqualTo(i);
            if (e.data().has("response")) {
                assertThat(e.data().get("response").path("id").asText()).as("response id in " + e.event()).isEqualTo(responseId);
            }
        }
        for (int i = 0; i < 2; i++) {
            assertThat(events.get(i).event()).isEqualTo(i == 0 ? "response.created" : "response.in_progress");
            assertThat(events.get(i).data().path("response").path("status").asText()).isEqualTo("in_progress");
            assertThat(events.get(i).data().path("response").path("output").isEmpty()).isTrue();
        }
        Items items = new Items();
        for (Sse e : events.subList(2, events.size() - 1)) {
            items.accept(e);
        }
        Sse last = events.get(events.size() - 1);
        JsonNode response = last.data().path("response");
        assertThat(response.path("output")).as("the output of " + last.event()).containsExactlyElementsOf(items.done);
        switch (last.event()) {
            case "response.completed", "response.incomplete" -> {
                assertThat(items.open).as("an item open at the end").isNull();
                assertThat(response.path("status").asText()).isEqualTo(last.event().substring("response.".length()));
                assertThat(response.path("incomplete_details").isNull()).isEqualTo(last.event().equals("response.completed"));
            }
            case "response.failed" -> {
                assertThat(response.path("status").asText()).isEqualTo("failed");
                assertThat(response.path("error").path("code").asText()).isNotEmpty();
                assertThat(response.path("error").path("message").asText()).isNotEmpty();
            }
            default -> throw new AssertionError("the stream ends with " + last.event());
        }
    }

    /** The output items as the events build them. */
    private static final class Items {
        private final List<JsonNode> done = new ArrayList<>();
        private JsonNode open;
        private boolean partOpen;
        private final StringBuilder text = new StringBuilder();

        void accept(Sse e) throws IOException {
            JsonNode d = e.data();
            switch (e.event()) {
                case "response.output_item.added" -> {
                    assertThat(open).as("an item added while another is open").isNull();
                    assertThat(d.path("output_index").asInt()).isEqualTo(done.size());
                    open = d.get("item");
                    assertThat(open.path("id").asText()).isNotEmpty();
                    assertThat(open.path("status").asText()).isEqualTo("in_progress");
                    text.setLength(0);
                }
                case "response.content_part.added" -> {
                    onOpen(d, "message");
                    assertThat(partOpen).isFalse();
                    partOpen = true;
                }
                case "response.output_text.delta" -> {
                    onOpen(d, "message");
                    assertThat(partOpen).as("text outside a content part").isTrue();
                    text.append(d.path("delta").asText());
                }
                case "response.output_text.done" -> {
                    onOpen(d, "message");
                    assertThat(d.path("text").asText()).isEqualTo(text.toString());
                }
                case "response.content_part.done" -> {
                    onOpen(d, "message");
                    assertThat(d.path("part").path("text").asText()).isEqualTo(text.toString());
                    partOpen = false;
                }
                case "response.function_call_arguments.delta" -> {
                    onOpen(d, "function_call");
                    text.append(d.path("delta").asText());
                }
                case "response.function_call_arguments.done" -> {
                    onOpen(d, "function_call");
                    assertThat(d.path("arguments").asText()).isEqualTo(text.toString());
                }
                case "response.output_item.done" -> done(d);
                default -> throw new AssertionError("unexpected event in the middle: " + e.event());
            }
        }

        private void onOpen(JsonNode d, String type) {
            assertThat(open).as("an item event with no item open").isNotNull();
            assertThat(open.path("type").asText()).isEqualTo(type);
            assertThat(d.path("item_id").asText()).isEqualTo(open.path("id").asText());
            assertThat(d.path("output_index").asInt()).isEqualTo(done.size());
            if (d.has("content_index")) {
                assertThat(d.get("content_index").asInt()).isZero();
            }
        }

        private void done(JsonNode d) throws IOException {
            assertThat(open).as("an item done that was not added").isNotNull();
            assertThat(partOpen).as("an item done with its content part open").isFalse();
            assertThat(d.path("output_index").asInt()).isEqualTo(done.size());
            JsonNode item = d.get("item");
            assertThat(item.path("id").asText()).isEqualTo(open.path("id").asText());
            assertThat(item.path("type").asText()).isEqualTo(open.path("type").asText());
            assertThat(item.path("status").asText()).isIn("completed", "incomplete");
            if (item.path("type").asText().equals("message")) {
                assertThat(item.path("content").path(0).path("text").asText()).isEqualTo(text.toString());
            } else {
                assertThat(item.path("arguments").asText()).isEqualTo(text.toString());
                assertThat(item.path("call_id").asText()).isNotEmpty();
                assertThat(item.path("name").asText()).isNotEmpty();
                if (item.path("status").asText().equals("completed")) {
                    assertThat(Json.readTree(text.toString()).isObject()).as("arguments of " + item.path("id")).isTrue();
                }
            }
            done.add(item);
            open = null;
        }
    }
}
