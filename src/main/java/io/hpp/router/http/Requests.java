package io.hpp.router.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.RequestException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.hpp.router.common.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reading request bodies: bounded by the server's maximum payload size, taken from the {@link BodyBudget} as they
 * arrive, and under their connection's body deadline ({@link GuardedConnection}).
 */
final class Requests {
    private static final byte[] EMPTY = new byte[0];
    /**
     * A body is read in chunks of at most this, each taken from the budget before it is filled: a client holds memory
     * for what it sent (a chunk ahead at most), never for the length it announces. A body with a Content-Length up to
     * this size — the short questions and 31 KB conversations of the benchmarks — is read into one array of exactly
     * its size: Helidon's {@code as(byte[].class)} goes through {@code readAllBytes}, and {@code readNBytes(n)} too
     * allocates 16 KiB chunks and copies them into the array it returns (the largest allocation per request: 27% of
     * all bytes at 1,000 req/s for short questions, 26% for 31 KB conversations).
     */
    static final int CHUNK = 64 * 1024;

    private Requests() {
    }

    /** Where the request holds a non-streamed answer: its body budget ticket (none in some tests: unbounded). */
    static io.hpp.router.upstream.AnswerMemory answerMemory(ServerRequest req) {
        return req.context().get(BodyBudget.Ticket.class).map(io.hpp.router.upstream.AnswerMemory.class::cast)
                .orElse(io.hpp.router.upstream.AnswerMemory.UNBOUNDED);
    }

    /** The whole body; 408 when it stopped arriving, 429 or 503 when it does not fit the budget. */
    static byte[] body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return EMPTY;
        }
        long length = req.headers().contentLength().orElse(-1);
        BodyBudget.Ticket ticket = req.context().get(BodyBudget.Ticket.class).orElse(null);
        GuardedConnection connection = Connections.current();
        if (connection != null) {
            connection.bodyStarted(length);
        }
        byte[] body;
        try {
            body = read(req, length, ticket, connection);
        } catch (RuntimeException e) {
            ended(connection);
            throw e;
        }
        ended(connection);
        return body;
    }

    /**
     * Ends the body's deadline. If it passed first, the sweeper has answered 408 and closed the connection: the request
     * goes no further, and there is nothing left to write (the access log takes the 408 from the connection).
     */
    private static void ended(GuardedConnection connection) {
        if (connection != null && !connection.bodyEnded()) {
            throw new CloseConnectionException(connection.bodyTimeoutMessage());
        }
    }

    private static byte[] read(ServerRequest req, long length, BodyBudget.Ticket ticket, GuardedConnection connection) {
        try (InputStream in = req.content().inputStream()) {
            return chunks(in, length, ticket, connection);
        } catch (ApiException | RequestException e) {
            throw e; // the budget's refusals, and Helidon's 413 past the maximum payload
        } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
            // the client closed the connection (or was cut at its deadline): there is no one left to answer
            throw ApiException.invalidRequest("The request body ended before it was complete");
        }
    }

    private static byte[] chunks(InputStream in, long length, BodyBudget.Ticket ticket, GuardedConnection connection) throws IOException {
        List<byte[]> chunks = null;
        long total = 0;
        while (length < 0 || total < length) {
            int size = (int) (length < 0 ? CHUNK : Math.min(CHUNK, length - total));
            if (ticket != null) {
                ticket.take(size);
            }
            byte[] chunk = new byte[size];
            int n = fill(in, chunk, connection);
            total += n;
            if (chunks == null && n == size && total == length) {
                return chunk; // the whole body in one array of its size
            }
            if (chunks == null) {
                chunks = new ArrayList<>();
            }
            chunks.add(n == size ? chunk : Arrays.copyOf(chunk, n));
            if (n < size) {
                break;
            }
        }
        return join(chunks, total);
    }

    /** Reads until {@code chunk} is full or the body ends; each read moves the connection's body deadline. */
    private static int fill(InputStream in, byte[] chunk, GuardedConnection connection) throws IOException {
        int filled = 0;
        while (filled < chunk.length) {
            int n = in.read(chunk, filled, chunk.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
            if (connection != null) {
                connection.bodyProgress(n);
            }
        }
        return filled;
    }

    private static byte[] join(List<byte[]> chunks, long total) {
        if (chunks == null) {
            return EMPTY;
        }
        if (chunks.size() == 1 && chunks.getFirst().length == total) {
            return chunks.getFirst();
        }
        byte[] all = new byte[Math.toIntExact(total)];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }
}
