package dev.spindle.common;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names threads {@code prefix-N} so that thread dumps say whose they are. */
public final class NamedThreadFactory implements ThreadFactory {
    private final String prefix;
    private final boolean daemon;
    private final AtomicInteger next = new AtomicInteger();

    public NamedThreadFactory(String prefix, boolean daemon) {
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.daemon = daemon;
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, prefix + "-" + next.getAndIncrement());
        thread.setDaemon(daemon);
        return thread;
    }
}
