package dev.spindle.common;

import java.io.StringWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Everything logged (any logger, any level that passes the configuration) while it is open, as text. */
public final class CapturedLog implements AutoCloseable {
    private final StringWriter text = new StringWriter();
    private final Logger root;
    private final WriterAppender appender;

    public CapturedLog() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        root = context.getRootLogger();
        appender = WriterAppender.newBuilder().setName("captured-" + System.identityHashCode(this)).setTarget(text)
                .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build()).build();
        appender.start();
        root.addAppender(appender);
    }

    public String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    @Override
    public void close() {
        root.removeAppender(appender);
        appender.stop();
    }
}
