package dev.spindle.scheduler.spi;

import dev.spindle.common.BatchingEventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Delivers scheduler events to listeners on one thread, in order, so that a slow listener never slows
 * the schedulers. A listener that throws is logged and keeps receiving events.
 *
 * <p>Events arrive in bursts (two per task: thousands a second while short tasks run), and waking the delivering
 * thread for each cost a context switch per event, on the cores the tasks need. So they are posted lazily to a
 * {@link BatchingEventLoop} that naps {@link #BATCH_NANOS} between deliveries: an event reaches the listeners at most
 * about a millisecond after it was posted in a busy stretch, at once after a quiet one.
 *
 * <p>A synchronous listener instead hears each event on the posting thread, before {@link #post} returns, and so
 * before anything the scheduler does next: the output-commit coordinator must know a stage attempt before its first
 * task can ask to commit. It must be quick and never block.
 */
public final class ListenerBus implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ListenerBus.class);
    /** How long the delivering thread lets events gather after a delivery, before it looks again. */
    private static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final List<SchedulerListener> listeners = new CopyOnWriteArrayList<>();
    private final List<SchedulerListener> synchronousListeners = new CopyOnWriteArrayList<>();
    private final BatchingEventLoop loop = new BatchingEventLoop("spindle-listener-bus", BATCH_NANOS);

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
        if (!loop.postLazily(() -> deliver(listeners, event))) {
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
        CompletableFuture<Void> reached = new CompletableFuture<>();
        if (!loop.post(() -> reached.complete(null))) {
            return false;
        }
        try {
            reached.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Delivers the events already posted, then stops; events posted from now on are dropped. */
    @Override
    public void close() {
        loop.close(); // waits up to 10 s, then warns and drops the rest
    }
}
