import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The floor for a Java gateway on this machine: a minimal HTTP/1.1 reverse proxy in the plain JDK that does none of a
 * gateway's work (no auth, quota, routing, logging, metrics or JSON), written two ways, so that a benchmark can tell
 * what the serving design costs apart from what the gateway's features cost:
 * <ul>
 * <li>{@code nio}: event loops, non-blocking sockets and selector readiness (the design of nginx and Netty); one loop
 * by default, as nginx runs one worker in {@code compare.sh}</li>
 * <li>{@code vt}: one virtual thread per connection and blocking socket calls (the design HPP Router has on Helidon SE)</li>
 * <li>{@code hybrid}: one event loop reads the clients' requests from non-blocking sockets, and a virtual thread per
 * request talks to the upstream with blocking calls and writes the answer to the client's non-blocking socket (what
 * replacing only the HTTP server in front of a blocking gateway pipeline would give)</li>
 * </ul>
 * Each client connection gets its own keep-alive upstream connection. The request head is parsed and written anew
 * (Host and hop-by-hop headers replaced); bodies must have a Content-Length. The response is relayed as it arrives
 * (so SSE streams through), its end found from its Content-Length or its chunked framing. 127.0.0.1 only.
 * Usage: java FloorProxy.java nio|vt|hybrid LISTEN_PORT UPSTREAM_PORT [LOOPS=1 (nio)]
 */
public final class FloorProxy {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int BUFFER = 16 * 1024;

    public static void main(String[] args) throws IOException {
        int listen = Integer.parseInt(args[1]);
        InetSocketAddress upstream = new InetSocketAddress(LOOPBACK, Integer.parseInt(args[2]));
        switch (args[0]) {
            case "vt" -> virtualThreads(listen, upstream);
            case "nio" -> eventLoops(listen, upstream, args.length > 3 ? Integer.parseInt(args[3]) : 1);
            case "hybrid" -> hybrid(listen, upstream);
            default -> throw new IllegalArgumentException("mode is nio, vt or hybrid, not " + args[0]);
        }
    }

    // ---- the HTTP/1.1 both designs share ----

    /** The index just past the CRLFCRLF that ends a message head in {@code b[0, to)}, or -1. */
    static int headEnd(byte[] b, int to) {
        for (int i = 3; i < to; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** A client's request head, rewritten for the upstream. */
    record Request(byte[] head, int bodyLength, boolean close) {
        static Request parse(byte[] b, int headEnd, InetSocketAddress upstream) {
            String[] lines = new String(b, 0, headEnd - 4, StandardCharsets.ISO_8859_1).split("\r\n");
            StringBuilder out = new StringBuilder(headEnd + 32).append(lines[0]).append("\r\nHost: 127.0.0.1:")
                    .append(upstream.getPort()).append("\r\n");
            int length = 0;
            boolean close = false;
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("bad header line");
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "host", "keep-alive", "proxy-connection" -> { }
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    case "transfer-encoding" -> throw new IllegalArgumentException("chunked request bodies are not supported");
                    case "content-length" -> {
                        length = Integer.parseInt(value);
                        out.append(line).append("\r\n");
                    }
                    default -> out.append(line).append("\r\n");
                }
            }
            return new Request(out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), length, close);
        }
    }

    /** Finds where a response body ends in the bytes fed to it, without copying them. */
    interface Body {
        /** Reads {@code b[from, to)}; returns the index just past the body's last byte, or -1 if it goes on. */
        int feed(byte[] b, int from, int to);

        /** The body that follows a response head {@code b[0, headEnd)}. */
        static Body of(byte[] b, int headEnd) {
            String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status < 200 || status == 204 || status == 304) {
                return new Length(0);
            }
            if (head.contains("\r\ntransfer-encoding: chunked")) {
                return new Chunked();
            }
            int at = head.indexOf("\r\ncontent-length:");
            if (at < 0) {
                return (bytes, from, to) -> -1; // until the upstream closes
            }
            int end = head.indexOf('\r', at + 2);
            return new Length(Long.parseLong(head.substring(at + 17, end).trim()));
        }
    }

    static final class Length implements Body {
        private long left;

        Length(long length) {
            this.left = length;
        }

        @Override
        public int feed(byte[] b, int from, int to) {
            int n = (int) Math.min(left, to - from);
            left -= n;
            return left == 0 ? from + n : -1;
        }
    }

    /** RFC 9112 chunked framing: sizes, data, CRLFs, trailers, the empty last line. */
    static final class Chunked implements Body {
        private static final int SIZE = 0, EXTENSION = 1, SIZE_LF = 2, DATA = 3, DATA_CR = 4, DATA_LF = 5, LINE_START = 6,
                TRAILER = 7, END_LF = 8;
        private int state = SIZE;
        private long left;

        @Override
        public int feed(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                byte c = b[i];
                switch (state) {
                    case SIZE -> {
                        int digit = Character.digit(c, 16);
                        if (digit >= 0) {
                            left = left * 16 + digit;
                        } else {
                            state = c == '\r' ? SIZE_LF : c == ';' ? EXTENSION : fail();
                        }
                    }
                    case EXTENSION -> state = c == '\r' ? SIZE_LF : EXTENSION;
                    case SIZE_LF -> state = c != '\n' ? fail() : left == 0 ? LINE_START : DATA;
                    case DATA -> {
                        int n = (int) Math.min(left, to - i);
                        left -= n;
                        i += n - 1;
                        state = left == 0 ? DATA_CR : DATA;
                    }
                    case DATA_CR -> state = c == '\r' ? DATA_LF : fail();
                    case DATA_LF -> state = c == '\n' ? SIZE : fail();
                    case LINE_START -> state = c == '\r' ? END_LF : TRAILER;
                    case TRAILER -> state = c == '\n' ? LINE_START : TRAILER;
                    case END_LF -> {
                        if (c != '\n') {
                            fail();
                        }
                        return i + 1;
                    }
                    default -> throw new IllegalStateException();
                }
            }
            return -1;
        }

        private static int fail() {
            throw new IllegalArgumentException("bad chunked framing");
        }
    }

    private static byte[] concat(byte[] head, byte[] b, int from, int length) {
        byte[] out = Arrays.copyOf(head, head.length + length);
        System.arraycopy(b, from, out, head.length, length);
        return out;
    }

    /** A client's request rewritten for the upstream (head and body), and whether the client asked to close after it. */
    record Pending(byte[] bytes, boolean close) {
    }

    /** What a client sent on a non-blocking socket: read into {@link #buf}, taken out a whole request at a time. */
    static final class Incoming {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);

        /** The next whole request, or null until all of it has come; throws when a head does not fit the buffer. */
        Pending next(InetSocketAddress upstream) {
            byte[] b = buf.array();
            int end = headEnd(b, buf.position());
            if (end < 0) {
                if (!buf.hasRemaining()) {
                    throw new IllegalArgumentException("request head larger than " + BUFFER + " bytes");
                }
                return null;
            }
            Request req = Request.parse(b, end, upstream);
            int whole = end + req.bodyLength();
            if (whole > buf.capacity()) {
                buf = ByteBuffer.wrap(Arrays.copyOf(b, whole)).position(buf.position());
                return null;
            }
            if (buf.position() < whole) {
                return null;
            }
            Pending p = new Pending(concat(req.head(), b, end, req.bodyLength()), req.close());
            buf.flip().position(whole);
            buf.compact();
            return p;
        }
    }

    // ---- one virtual thread per connection, blocking calls ----

    private static void virtualThreads(int listen, InetSocketAddress upstream) throws IOException {
        try (ServerSocket server = new ServerSocket(listen, 4096, LOOPBACK)) {
            System.out.println("floor proxy (vt) on 127.0.0.1:" + listen);
            while (true) {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> serve(client, upstream));
            }
        }
    }

    /** Reads more of a message head into {@code b} after its first {@code have} bytes: the new count, or -1 at the end. */
    private static int more(InputStream in, byte[] b, int have) throws IOException {
        int n = have == b.length ? -1 : in.read(b, have, b.length - have);
        return n < 0 ? -1 : have + n;
    }

    private static void serve(Socket client, InetSocketAddress upstream) {
        try (client; Socket up = new Socket()) {
            client.setTcpNoDelay(true);
            up.setTcpNoDelay(true);
            up.connect(upstream);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            InputStream upIn = up.getInputStream();
            OutputStream upOut = up.getOutputStream();
            byte[] buf = new byte[BUFFER];
            byte[] upBuf = new byte[BUFFER];
            int have = 0;
            while (true) {
                int end;
                while ((end = headEnd(buf, have)) < 0) {
                    if ((have = more(in, buf, have)) < 0) {
                        return;
                    }
                }
                Request req = Request.parse(buf, end, upstream);
                int whole = end + req.bodyLength();
                if (whole > buf.length) {
                    buf = Arrays.copyOf(buf, whole);
                }
                while (have < whole) {
                    int n = in.read(buf, have, whole - have);
                    if (n < 0) {
                        return;
                    }
                    have += n;
                }
                upOut.write(concat(req.head(), buf, end, req.bodyLength()));
                System.arraycopy(buf, whole, buf, 0, have - whole);
                have -= whole;

                int got = 0;
                int bodyFrom;
                while ((bodyFrom = headEnd(upBuf, got)) < 0) {
                    if ((got = more(upIn, upBuf, got)) < 0) {
                        return;
                    }
                }
                Body body = Body.of(upBuf, bodyFrom);
                int done = body.feed(upBuf, bodyFrom, got);
                out.write(upBuf, 0, done >= 0 ? done : got);
                while (done < 0) {
                    int n = upIn.read(upBuf);
                    if (n < 0) {
                        return;
                    }
                    done = body.feed(upBuf, 0, n);
                    out.write(upBuf, 0, done >= 0 ? done : n);
                }
                if (req.close()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the connection ends; the client sees it closed
        }
    }

    // ---- event loops, non-blocking sockets ----

    private static void eventLoops(int listen, InetSocketAddress upstream, int loops) throws IOException {
        Loop[] all = new Loop[loops];
        for (int i = 0; i < loops; i++) {
            all[i] = new Loop(upstream);
            Thread.ofPlatform().name("loop-" + i).start(all[i]);
        }
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(LOOPBACK, listen), 4096);
            System.out.println("floor proxy (nio, " + loops + " loop" + (loops > 1 ? "s" : "") + ") on 127.0.0.1:" + listen);
            for (int next = 0; ; next = (next + 1) % loops) {
                all[next].adopt(server.accept());
            }
        }
    }

    private static final class Loop implements Runnable {
        private final Selector selector;
        private final InetSocketAddress upstream;
        private final Queue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();

        Loop(InetSocketAddress upstream) throws IOException {
            this.selector = Selector.open();
            this.upstream = upstream;
        }

        void adopt(SocketChannel client) {
            incoming.add(client);
            selector.wakeup();
        }

        @Override
        public void run() {
            while (true) {
                try {
                    selector.select();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                for (SocketChannel c; (c = incoming.poll()) != null; ) {
                    try {
                        new Pair(c, upstream, selector);
                    } catch (IOException e) {
                        close(c);
                    }
                }
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Pair p = (Pair) key.attachment();
                    try {
                        p.ready(key);
                    } catch (IOException | RuntimeException e) {
                        p.close();
                    }
                }
            }
        }
    }

    /** A client connection and its upstream connection, driven by readiness events. */
    private static final class Pair {
        private final SocketChannel client;
        private final SocketChannel up;
        private final SelectionKey clientKey;
        private final SelectionKey upKey;
        private final InetSocketAddress upstream;
        private final Incoming in = new Incoming();
        private final ByteBuffer upIn = ByteBuffer.allocate(BUFFER);
        private ByteBuffer toUp;
        private ByteBuffer toClient;
        private Body body;
        private boolean responseDone;
        private boolean closeAfter;

        Pair(SocketChannel client, InetSocketAddress upstream, Selector selector) throws IOException {
            this.client = client;
            this.upstream = upstream;
            this.up = SocketChannel.open();
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            up.setOption(StandardSocketOptions.TCP_NODELAY, true);
            up.connect(upstream); // blocking, once per client connection, to loopback
            client.configureBlocking(false);
            up.configureBlocking(false);
            clientKey = client.register(selector, SelectionKey.OP_READ, this);
            upKey = up.register(selector, 0, this);
        }

        void ready(SelectionKey key) throws IOException {
            if (!key.isValid()) {
                return;
            }
            if (key == clientKey) {
                if (key.isReadable()) {
                    readRequest();
                } else if (key.isWritable()) {
                    writeClient();
                }
            } else if (key.isWritable()) {
                writeUp();
            } else if (key.isReadable()) {
                readResponse();
            }
        }

        private void readRequest() throws IOException {
            if (client.read(in.buf) < 0) {
                close();
                return;
            }
            Pending next = in.next(upstream);
            if (next == null) {
                return;
            }
            toUp = ByteBuffer.wrap(next.bytes());
            closeAfter = next.close();
            body = null;
            responseDone = false;
            upIn.clear();
            clientKey.interestOps(0);
            writeUp();
        }

        private void writeUp() throws IOException {
            up.write(toUp);
            upKey.interestOps(toUp.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void readResponse() throws IOException {
            int from = upIn.position();
            if (up.read(upIn) < 0) {
                close();
                return;
            }
            byte[] b = upIn.array();
            int to = upIn.position();
            if (body == null) {
                int headEnd = headEnd(b, to);
                if (headEnd < 0) {
                    if (!upIn.hasRemaining()) {
                        close();
                    }
                    return;
                }
                body = Body.of(b, headEnd);
                from = headEnd;
            }
            int done = body.feed(b, from, to);
            responseDone = done >= 0;
            toClient = upIn.flip().limit(responseDone ? done : to);
            writeClient();
        }

        private void writeClient() throws IOException {
            client.write(toClient);
            if (toClient.hasRemaining()) {
                upKey.interestOps(0);
                clientKey.interestOps(SelectionKey.OP_WRITE);
            } else if (responseDone) {
                if (closeAfter) {
                    close();
                    return;
                }
                upKey.interestOps(0);
                clientKey.interestOps(SelectionKey.OP_READ);
                if (in.buf.position() > 0) {
                    readRequest(); // the next request had already come
                }
            } else {
                upIn.clear();
                clientKey.interestOps(0);
                upKey.interestOps(SelectionKey.OP_READ);
            }
        }

        void close() {
            FloorProxy.close(client);
            FloorProxy.close(up);
        }
    }

    // ---- hybrid: an event loop reads requests, a virtual thread per request does the upstream exchange ----

    private static void hybrid(int listen, InetSocketAddress upstream) throws IOException {
        Selector selector = Selector.open();
        Queue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();
        Queue<Front> rearm = new ConcurrentLinkedQueue<>();
        Thread.ofPlatform().name("loop").start(() -> frontLoop(selector, incoming, rearm, upstream));
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(LOOPBACK, listen), 4096);
            System.out.println("floor proxy (hybrid) on 127.0.0.1:" + listen);
            while (true) {
                incoming.add(server.accept());
                selector.wakeup();
            }
        }
    }

    private static void frontLoop(Selector selector, Queue<SocketChannel> incoming, Queue<Front> rearm, InetSocketAddress upstream) {
        while (true) {
            try {
                selector.select();
                for (SocketChannel c; (c = incoming.poll()) != null; ) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.configureBlocking(false);
                    Front f = new Front(c, upstream, selector, rearm);
                    f.key = c.register(selector, SelectionKey.OP_READ, f);
                }
                for (Front f; (f = rearm.poll()) != null; ) {
                    try {
                        if (f.key.isValid()) {
                            f.key.interestOps(SelectionKey.OP_READ);
                            f.tryRequest(); // the next request may have come with the last one
                        }
                    } catch (RuntimeException e) {
                        f.close();
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                Front f = (Front) key.attachment();
                try {
                    if (key.isValid() && key.isReadable()) {
                        f.read();
                    }
                } catch (IOException | RuntimeException e) {
                    f.close();
                }
            }
        }
    }

    /** A client connection: its requests read by the loop, each answered by a virtual thread it starts. */
    private static final class Front {
        private final SocketChannel client;
        private final InetSocketAddress upstream;
        private final Selector selector;
        private final Queue<Front> rearm;
        private final byte[] upBuf = new byte[BUFFER];
        private final Incoming in = new Incoming();
        private Socket up;
        SelectionKey key;

        Front(SocketChannel client, InetSocketAddress upstream, Selector selector, Queue<Front> rearm) {
            this.client = client;
            this.upstream = upstream;
            this.selector = selector;
            this.rearm = rearm;
        }

        void read() throws IOException {
            if (client.read(in.buf) < 0) {
                close();
                return;
            }
            tryRequest();
        }

        /** Starts the exchange of a whole request in the buffer, if there is one; the loop stops reading meanwhile. */
        void tryRequest() {
            Pending next = in.next(upstream);
            if (next == null) {
                return;
            }
            key.interestOps(0);
            Thread.ofVirtual().start(() -> exchange(next.bytes(), next.close()));
        }

        /** On the request's virtual thread: blocking calls upstream, the answer written as it arrives. */
        private void exchange(byte[] request, boolean closeAfter) {
            try {
                if (up == null) {
                    up = new Socket();
                    up.setTcpNoDelay(true);
                    up.connect(upstream);
                }
                up.getOutputStream().write(request);
                InputStream upIn = up.getInputStream();
                int got = 0;
                int bodyFrom;
                while ((bodyFrom = headEnd(upBuf, got)) < 0) {
                    if ((got = more(upIn, upBuf, got)) < 0) {
                        close();
                        return;
                    }
                }
                Body body = Body.of(upBuf, bodyFrom);
                int done = body.feed(upBuf, bodyFrom, got);
                writeAll(done >= 0 ? done : got);
                while (done < 0) {
                    int n = upIn.read(upBuf);
                    if (n < 0) {
                        close();
                        return;
                    }
                    done = body.feed(upBuf, 0, n);
                    writeAll(done >= 0 ? done : n);
                }
                if (closeAfter) {
                    close();
                    return;
                }
                rearm.add(this);
                selector.wakeup();
            } catch (IOException | RuntimeException e) {
                close();
            }
        }

        /** Writes upBuf[0, n) to the client's non-blocking socket (a full socket buffer: wait a little and retry). */
        private void writeAll(int n) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(upBuf, 0, n);
            while (b.hasRemaining()) {
                if (client.write(b) == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
            }
        }

        void close() {
            FloorProxy.close(client);
            if (up != null) {
                try {
                    up.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    private static void close(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
