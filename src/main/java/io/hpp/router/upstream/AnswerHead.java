package io.hpp.router.upstream;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The rules for the head of a provider's answer: its status line, its header fields, and the framing of its body.
 * The framing is trusted only when it is unambiguous (RFC 9112 section 6): a Content-Length or a Transfer-Encoding
 * given twice (even with equal values, which the RFC allows a recipient to merge: no provider sends that, a broken
 * proxy between it and us would), both at once, a coding other than chunked, or a length that is not plain digits make
 * the answer a {@link MalformedAnswerException}, and its connection is closed.
 */
final class AnswerHead {
    /** The most bytes of one head line, and of all its header lines together. */
    static final int MAX_HEAD = 64 * 1024;
    /** Interim (1xx) answers allowed before the real one; providers send at most a 100 Continue. */
    private static final int MAX_INTERIM = 8;

    private AnswerHead() {
    }

    /** How the body is delimited; {@code length} is -1 unless it has one. */
    record Framing(Kind kind, long length, boolean keepAlive) {
        enum Kind { CHUNKED, LENGTH, CLOSE }
    }

    /** The next line of the head, without its line end. */
    @FunctionalInterface
    interface Lines {
        String next() throws IOException;
    }

    /** The status code of {@code HTTP/1.x NNN reason}: three digits, 100 or more. */
    static int status(String line) throws MalformedAnswerException {
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ' || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new MalformedAnswerException("not an HTTP/1.x status line");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedAnswerException("an invalid status code");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new MalformedAnswerException("an invalid status code");
        }
        return status;
    }

    /** Refuses a protocol switch (never asked for) and an endless run of interim answers. */
    static void checkInterim(int status, int interimsBefore) throws MalformedAnswerException {
        if (status == 101) {
            throw new MalformedAnswerException("an unrequested protocol switch");
        }
        if (interimsBefore >= MAX_INTERIM) {
            throw new MalformedAnswerException("more than " + MAX_INTERIM + " interim answers");
        }
    }

    /**
     * The header fields up to the empty line, names in lower case. A repeated Content-Length or Transfer-Encoding is
     * refused; Connection's values are joined, so a {@code close} in any of them is seen; other repeats keep the first.
     */
    static Map<String, String> fields(Lines lines) throws IOException {
        Map<String, String> headers = new HashMap<>();
        int total = 0;
        for (String line = lines.next(); !line.isEmpty(); line = lines.next()) {
            total += line.length() + 2;
            if (total > MAX_HEAD) {
                throw new MalformedAnswerException("answer headers larger than " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon)) {
                // also a line folded onto the previous one (obs-fold), or white space before the colon
                throw new MalformedAnswerException("a malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            String first = headers.putIfAbsent(name, value);
            if (first != null) {
                switch (name) {
                    case "content-length", "transfer-encoding" -> throw new MalformedAnswerException("a repeated " + name + " header");
                    case "connection" -> headers.put(name, first + "," + value);
                    default -> {
                        // the first value is the one read
                    }
                }
            }
        }
        return headers;
    }

    /** The body's framing from the head, when the head gives it unambiguously. */
    static Framing framing(int status, boolean http10, Map<String, String> h) throws MalformedAnswerException {
        boolean keepAlive = keepAlive(http10, h.getOrDefault("connection", ""));
        String te = h.get("transfer-encoding");
        String cl = h.get("content-length");
        if (te != null) {
            if (cl != null) {
                throw new MalformedAnswerException("an answer with both Transfer-Encoding and Content-Length");
            }
            if (http10 || !te.equalsIgnoreCase("chunked")) {
                throw new MalformedAnswerException("a Transfer-Encoding other than chunked");
            }
            return new Framing(Framing.Kind.CHUNKED, -1, keepAlive);
        }
        if (status == 204 || status == 304) {
            return new Framing(Framing.Kind.LENGTH, 0, keepAlive);
        }
        if (cl != null) {
            return new Framing(Framing.Kind.LENGTH, contentLength(cl), keepAlive);
        }
        return new Framing(Framing.Kind.CLOSE, -1, false);
    }

    private static boolean keepAlive(boolean http10, String connection) {
        boolean close = false;
        boolean keep = false;
        for (String token : connection.split(",")) {
            close |= token.trim().equalsIgnoreCase("close");
            keep |= token.trim().equalsIgnoreCase("keep-alive");
        }
        return !close && (keep || !http10);
    }

    /** {@code 1*DIGIT} (RFC 9110 8.6): no sign, no list, no white space inside; 18 digits fit a long. */
    private static long contentLength(String v) throws MalformedAnswerException {
        if (v.isEmpty() || v.length() > 18) {
            throw new MalformedAnswerException("an invalid Content-Length");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedAnswerException("an invalid Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Whether {@code s} up to {@code end} is an RFC 9110 token (a field name). */
    private static boolean isToken(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
