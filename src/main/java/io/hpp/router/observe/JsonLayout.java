package io.hpp.router.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.Json;
import java.time.Instant;

/**
 * Logback layout writing one JSON object per line: time, level, logger, thread, the request id from the MDC, and the
 * message; access-log messages, already JSON, are embedded as fields rather than as a string.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent event) {
        ObjectNode n = Json.object();
        n.put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        n.put("level", event.getLevel().toString());
        n.put("logger", event.getLoggerName());
        n.put("thread", event.getThreadName());
        String msg = event.getFormattedMessage();
        boolean accessLine = event.getLoggerName().equals("hpp.access") && msg.startsWith("{") && msg.length() > 2
                && event.getThrowableProxy() == null;
        String rid = event.getMDCPropertyMap().get("request_id");
        if (rid != null && !accessLine) {
            n.put("request_id", rid); // an access line carries its own
        }
        if (accessLine) {
            // the access line is already a JSON object: splice its fields in rather than parse it again
            String head = n.toString();
            return head.substring(0, head.length() - 1) + "," + msg.substring(1) + "\n";
        }
        n.put("msg", msg);
        if (event.getThrowableProxy() != null) {
            n.put("error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return n + "\n";
    }
}
