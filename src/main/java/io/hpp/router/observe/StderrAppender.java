package io.hpp.router.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.ErrorStatus;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Standard error with a buffer. Lines marked {@link #BATCHED} (the access line of each chat or image request) stay in
 * the buffer until {@link #flushAll} — the request-log writer calls it after every batch, so they reach the output at
 * most one batch late, in one write — or until the buffer fills; every other line is written at once, together with
 * whatever was waiting. Logback's console appender writes each line with its own system call: at 1,000 req/s that was
 * half the access log's cost.
 */
public final class StderrAppender extends OutputStreamAppender<ILoggingEvent> {
    /** Marks a line that may wait for the next {@link #flushAll}. */
    public static final Marker BATCHED = MarkerFactory.getMarker("HPP_BATCHED");
    private static final Set<StderrAppender> STARTED = new CopyOnWriteArraySet<>();
    private final OutputStream target;

    public StderrAppender() {
        this(new FileOutputStream(FileDescriptor.err));
    }

    /** Writes to {@code target} instead (tests). */
    StderrAppender(OutputStream target) {
        this.target = target;
    }

    @Override
    public void start() {
        setOutputStream(new BufferedOutputStream(target, 64 * 1024));
        setImmediateFlush(false);
        super.start();
        STARTED.add(this);
    }

    @Override
    public void stop() {
        STARTED.remove(this);
        super.stop();
    }

    /** Flushes, but leaves file descriptor 2 open for whatever is written after logging stops. */
    @Override
    protected void closeOutputStream() {
        flush();
    }

    /**
     * Encodes the event at once, on the logging thread. Logback's own version first readies the event for deferred
     * processing, copying the MDC map of every line (1% of the router's CPU at 1,000 req/s), which only an
     * asynchronous appender needs.
     */
    @Override
    protected void subAppend(ILoggingEvent event) {
        if (!isStarted()) {
            return;
        }
        try {
            writeOut(event);
        } catch (IOException e) {
            started = false;
            addStatus(new ErrorStatus("IO failure in appender", this, e));
        }
        java.util.List<Marker> markers = event.getMarkerList();
        if (markers == null || !markers.contains(BATCHED)) {
            flush();
        }
    }

    /** Writes out every buffered line of every started appender. */
    public static void flushAll() {
        STARTED.forEach(StderrAppender::flush);
    }

    private void flush() {
        streamWriteLock.lock();
        try {
            if (isStarted()) {
                getOutputStream().flush();
            }
        } catch (IOException e) {
            addError("flushing standard error failed", e);
        } finally {
            streamWriteLock.unlock();
        }
    }
}
