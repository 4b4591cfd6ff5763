package dev.spindle.scheduler.spi;

import dev.spindle.common.NamedThreadFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Delivers scheduler events to listeners on one thread, in order, so that a slow listener never slows
 * the schedulers. A listener that throws is logged and keeps receiving events.
 *
 * <p>A synchronous listener instead hears each event on the posting thread, before {@link #post} returns, and so
 * before anything the scheduler does next: the output-commit coordinator must know a stage attempt before its first
 * task can ask to commit. It must be quick and never block.
 */
public final class ListenerBus implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ListenerBus.class);

    private final List<SchedulerListener> listeners = new CopyOnWriteArrayList<>();
    private final List<SchedulerListener> synchronousListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            new NamedThreadFactory("spindle-listener-bus", true));

    public void addListener(SchedulerListener listener) {
        listeners.add(listener);
    }

    public void removeListener(SchedulerListener listener) {
        listeners.remove(listener);
    }

    /** Adds a listener called on the posting thread (see the class comment). */
    public void addSynchronousListener(SchedulerListener listener) {
        synchronousListeners.add(listener);
    }

    public void post(SchedulerEvent event) {
        if (!synchronousListeners.isEmpty()) {
            deliver(synchronousListeners, event);
        }
        if (listeners.isEmpty()) {
            return;
        }
        try {
            thread.execute(() -> deliver(listeners, event));
        } catch (RejectedExecutionException e) {
            LOG.debug("Dropping {} posted after the listener bus stopped", event);
        }
    }

    private static void deliver(List<SchedulerListener> to, SchedulerEvent event) {
        for (SchedulerListener listener : to) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Listener {} failed on {}", listener, event, e);
            }
        }
    }

    /**
     * Returns once every event posted before this call has reached the (asynchronous) listeners, or after
     * {@code timeoutMillis}; false then, or when the bus has stopped. An action's own events are all posted before it
     * returns, so a caller that waits here after it sees all of them.
     */
    public boolean awaitDelivered(long timeoutMillis) throws InterruptedException {
        try {
            thread.submit(() -> { }).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Delivers the events already posted, then stops. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Listener bus did not drain within 10 s; dropping remaining events");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
