package io.hpp.router.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generated answers of a hostile OpenAI-compatible provider, for {@link HostileProviderPropertiesTest}: bodies (a
 * completion or an SSE stream) with huge, negative, overflowing, missing or repeated usage, garbage and giant lines,
 * framed correctly or in one of many wrong ways (repeated or conflicting framing headers, a length that lies, an early
 * close, a giant head, bytes after the answer). The bytes use {@link RawServer}'s {@link RawServer#CLOSE} marker; no
 * generated text contains a Java class name, so any the client sees is the router's.
 */
final class HostileAnswers {
    /** The text of an answer smuggled after another: a client that sees it got bytes meant for no request of its own. */
    static final String SMUGGLED = "SMUGGLED";

    private HostileAnswers() {
    }

    /** How the answer's body is delimited, or how that goes wrong. */
    enum Framing {
        LENGTH, CHUNKED, CLOSE_FRAMED, HTTP10, INTERIM, REPEATED_LENGTH, CONFLICTING_LENGTHS, LENGTH_AND_CHUNKED, GZIP,
        SIGNED_LENGTH, NEGATIVE_LENGTH, HUGE_LENGTH, SHORT_LENGTH, LONG_LENGTH_THEN_CLOSE, HEAD_CUT, BODY_CUT, GIANT_HEADER,
        NEGATIVE_CHUNK, SMUGGLE, GARBAGE
    }

    /** One answer: the bytes the provider sends, and a short account of them for a failure report. */
    record Answer(byte[] bytes, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** A body and the account of what is in it. */
    private record Body(byte[] bytes, String description) {
    }

    /** An answer to a chat request, streamed or not. */
    static Arbitrary<Answer> answer(boolean stream) {
        Arbitrary<Integer> status = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(200)),
                Tuple.of(1, Arbitraries.of(400, 401, 429, 500, 503, 204, 302)));
        Arbitrary<Framing> framing = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just(Framing.LENGTH)),
                Tuple.of(6, Arbitraries.just(Framing.CHUNKED)), Tuple.of(3, Arbitraries.just(Framing.SMUGGLE)),
                Tuple.of(14, Arbitraries.of(Framing.class)));
        return Combinators.combine(status, framing, stream ? streamBody() : completionBody(), Arbitraries.integers().between(0, 99))
                .as((s, f, body, cut) -> new Answer(frame(f, s, stream, s == 200 ? body.bytes() : errorBody(body), cut),
                        s + " " + f + " cut=" + cut + "% " + (s == 200 ? body.description() : "error body")));
    }

    private static byte[] errorBody(Body body) {
        return body.description().startsWith("garbage") ? body.bytes()
                : "{\"error\":{\"message\":\"upstream says no\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Token counts as a provider might write them: fine, negative, huge (a fifth of them: a cost past what 64 bits of
     * nano-dollars hold), past a long, not integers, not numbers.
     */
    static Arbitrary<String> count() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("0", "1", "7", "250")),
                Tuple.of(2, Arbitraries.of("-1", "-0", "-9223372036854775808")),
                Tuple.of(3, Arbitraries.of("9223372036854775807", "4611686018427387904", "100000000000000000", "4000000000", "1000000000000")),
                Tuple.of(3, Arbitraries.of("9223372036854775808", "99999999999999999999999", "1e30", "-1e30", "1.5", "\"12\"", "null", "true",
                        "{}")));
    }

    private static Arbitrary<String> usage() {
        return Combinators.combine(count(), count(), count(), Arbitraries.of(true, false)).as((prompt, completion, cached, details) ->
                "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + completion
                        + (details ? ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}" : "") + "}");
    }

    /** What follows a completion's choices: no usage, one, two (a repeated member), or one that is not an object. */
    private static Arbitrary<String> usageMember() {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")),
                Tuple.of(5, usage().map(u -> ",\"usage\":" + u)),
                Tuple.of(2, Combinators.combine(usage(), usage()).as((a, b) -> ",\"usage\":" + a + ",\"usage\":" + b)),
                Tuple.of(1, Arbitraries.of(",\"usage\":null", ",\"usage\":\"lots\"", ",\"usage\":[1,2]", ",\"usage\":{}")));
    }

    /** Lower-case words: the text of an answer, never a Java name. */
    private static Arbitrary<String> text() {
        return Arbitraries.strings().withChars("abcdefghik mnoprstuvw").ofMaxLength(40);
    }

    private static Arbitrary<Body> garbage() {
        return Arbitraries.strings().withChars("abcdefgh0123456789{}[]:,\" \r\n").ofMaxLength(3000)
                .map(s -> new Body(s.getBytes(StandardCharsets.US_ASCII), "garbage(" + s.length() + ")"));
    }

    static String completion(String content, String usageMember) {
        return "{\"id\":\"chatcmpl-h\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-5\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}]" + usageMember + "}";
    }

    private static Arbitrary<Body> completionBody() {
        Arbitrary<String> valid = Combinators.combine(text(), usageMember()).as(HostileAnswers::completion);
        return Arbitraries.frequencyOf(
                Tuple.of(8, valid.map(s -> new Body(ascii(s), "completion " + s))),
                Tuple.of(1, Combinators.combine(valid, Arbitraries.integers().between(0, 99))
                        .as((s, p) -> new Body(ascii(s.substring(0, s.length() * p / 100)), "truncated completion " + s))),
                Tuple.of(1, Arbitraries.of("", "[]", "{}", "null", "{\"choices\":5}", "{\"choices\":[5]}",
                        "{\"error\":{\"message\":\"upstream says no\"}}").map(s -> new Body(ascii(s), "odd json " + s))),
                Tuple.of(1, Combinators.combine(Arbitraries.of(100_000, 3_000_000), usageMember())
                        .as((n, u) -> new Body(ascii(completion("x".repeat(n), u)), "giant completion " + n + u))),
                Tuple.of(1, garbage()));
    }

    private static String chunk(String delta, String usage) {
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5\",\"choices\":" + delta + usage + "}";
    }

    /** One SSE event (or comment) of a stream. */
    private static Arbitrary<String> event() {
        Arbitrary<String> content = text().map(t -> "data: " + chunk("[{\"index\":0,\"delta\":{\"content\":\"" + t + "\"}}]", "") + "\n\n");
        Arbitrary<String> usageOnly = usage().map(u -> "data: " + chunk("[]", ",\"usage\":" + u) + "\n\n");
        Arbitrary<String> contentAndUsage = Combinators.combine(text(), usage())
                .as((t, u) -> "data: " + chunk("[{\"index\":0,\"delta\":{\"content\":\"" + t + "\"}}]", ",\"usage\":" + u) + "\n\n");
        return Arbitraries.frequencyOf(Tuple.of(5, content), Tuple.of(3, usageOnly), Tuple.of(1, contentAndUsage),
                Tuple.of(1, Arbitraries.of(": ping\n\n", "data: not json\n\n", "event: odd\n\n", "data: {\"choices\":5}\n\n",
                        "data: {\"error\":{\"message\":\"overloaded now\",\"code\":503}}\n\n", "data: []\n\n", "data:\n\n")));
    }

    private static Arbitrary<Body> streamBody() {
        Arbitrary<String> ending = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("data: [DONE]\n\n")),
                Tuple.of(2, Arbitraries.just("")), Tuple.of(1, Arbitraries.just("data: [DONE]\n\ndata: {\"late\":1}\n\n")));
        Arbitrary<String> giant = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.of(200_000, 9_000_000).map(n -> "data: " + chunk("[{\"index\":0,\"delta\":{\"content\":\""
                        + "x".repeat(n) + "\"}}]", "") + "\n\n")),
                Tuple.of(1, Arbitraries.just(9_000_000).map(n -> "data: " + "y".repeat(n))));
        Arbitrary<Body> events = Combinators.combine(event().list().ofMaxSize(6), giant, ending).as((List<String> e, String g, String end) -> {
            String s = String.join("", e) + g + end;
            String shown = (String.join("", e) + (g.isEmpty() ? "" : "<giant line " + g.length() + ">") + end).replace("\n", "\\n");
            return new Body(ascii(s), "stream " + shown);
        });
        return Arbitraries.frequencyOf(Tuple.of(9, events), Tuple.of(1, garbage()));
    }

    /** The whole answer: a head framed as {@code f} says, the body, and for some framings an early close. */
    static byte[] frame(Framing f, int status, boolean stream, byte[] body, int cutPercent) {
        String type = "Content-Type: " + (stream && status == 200 ? "text/event-stream" : "application/json") + "\r\n";
        String head = "HTTP/1.1 " + status + " Hostile\r\n" + type;
        int n = body.length;
        String close = String.valueOf(RawServer.CLOSE);
        return switch (f) {
            case LENGTH -> join(head + "Content-Length: " + n + "\r\n\r\n", body);
            case CHUNKED -> join(head + "Transfer-Encoding: chunked\r\n\r\n", chunked(body, 64 + cutPercent * 97), "0\r\n\r\n");
            case CLOSE_FRAMED -> join(head + "Connection: close\r\n\r\n", body, close);
            case HTTP10 -> join("HTTP/1.0 " + status + " Hostile\r\n" + type + "Content-Length: " + n + "\r\n\r\n", body);
            case INTERIM -> join("HTTP/1.1 100 Continue\r\n\r\n" + head + "Content-Length: " + n + "\r\n\r\n", body);
            case REPEATED_LENGTH -> join(head + "Content-Length: " + n + "\r\nContent-Length: " + n + "\r\n\r\n", body);
            case CONFLICTING_LENGTHS -> join(head + "Content-Length: " + n + "\r\nContent-Length: " + (n + 5) + "\r\n\r\n", body, "abcde");
            case LENGTH_AND_CHUNKED -> join(head + "Content-Length: " + n + "\r\nTransfer-Encoding: chunked\r\n\r\n", chunked(body, 512),
                    "0\r\n\r\n");
            case GZIP -> join(head + "Transfer-Encoding: gzip\r\n\r\n", body, close);
            case SIGNED_LENGTH -> join(head + "Content-Length: +" + n + "\r\n\r\n", body);
            case NEGATIVE_LENGTH -> join(head + "Content-Length: -" + n + "\r\n\r\n", body, close);
            case HUGE_LENGTH -> join(head + "Content-Length: 99999999999999\r\n\r\n", body, close);
            case SHORT_LENGTH -> join(head + "Content-Length: " + n * cutPercent / 100 + "\r\n\r\n", body);
            case LONG_LENGTH_THEN_CLOSE -> join(head + "Content-Length: " + (n + 10) + "\r\n\r\n", body, close);
            case HEAD_CUT -> {
                String whole = head + "Content-Length: " + n + "\r\n\r\n";
                yield join(whole.substring(0, whole.length() * cutPercent / 100), close);
            }
            case BODY_CUT -> join(head + "Content-Length: " + n + "\r\n\r\n", java.util.Arrays.copyOf(body, n * cutPercent / 100), close);
            case GIANT_HEADER -> join(head + "X-Junk: " + "b".repeat(70_000) + "\r\nContent-Length: " + n + "\r\n\r\n", body);
            case NEGATIVE_CHUNK -> join(head + "Transfer-Encoding: chunked\r\n\r\n-" + Integer.toHexString(Math.max(1, n)) + "\r\n", body,
                    "\r\n0\r\n\r\n");
            case SMUGGLE -> join(head + "Content-Length: " + n + "\r\n\r\n", body, smuggled());
            case GARBAGE -> join(java.util.Arrays.copyOf(body, Math.min(n, 200)), "\r\n\r\n", close);
        };
    }

    /**
     * A whole second answer whose text is {@link #SMUGGLED}: a provider error, whose message the router relays to the
     * client whether the request it is read for is streamed or not.
     */
    private static byte[] smuggled() {
        String body = "{\"error\":{\"message\":\"" + SMUGGLED + "\"}}";
        return join("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    private static byte[] chunked(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        for (int at = 0; at < body.length; at += size) {
            int len = Math.min(size, body.length - at);
            out.writeBytes(ascii(Integer.toHexString(len) + "\r\n"));
            out.write(body, at, len);
            out.writeBytes(ascii("\r\n"));
        }
        return out.toByteArray();
    }

    private static byte[] join(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : ascii((String) p));
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
