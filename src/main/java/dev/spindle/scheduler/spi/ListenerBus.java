package dev.spindle.scheduler.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Delivers scheduler events to listeners on one thread, in order, so that a slow listener never slows
 * the schedulers. A listener that throws is logged and keeps receiving events.
 *
 * <p>Events arrive in bursts (two per task: thousands a second while short tasks run), and waking the delivering
 * thread for each cost a context switch per event, on the cores the tasks need. So the thread, once it has delivered
 * what was queued, naps for {@link #BATCH_NANOS} and then delivers what gathered meanwhile, with no wake-up from the
 * posters; only after a nap that gathered nothing does it sleep until the next post wakes it. An event thus reaches
 * the listeners at most about a millisecond after it was posted in a busy stretch, at once after a quiet one.
 *
 * <p>A synchronous listener instead hears each event on the posting thread, before {@link #post} returns, and so
 * before anything the scheduler does next: the output-commit coordinator must know a stage attempt before its first
 * task can ask to commit. It must be quick and never block.
 */
public final class ListenerBus implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ListenerBus.class);
    /** How long the delivering thread lets events gather after a delivery, before it looks again. */
    static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final List<SchedulerListener> listeners = new CopyOnWriteArrayList<>();
    private final List<SchedulerListener> synchronousListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread = new Thread(this::deliverLoop, "spindle-listener-bus");
    /** Set while the delivering thread sleeps until woken: only then does a post unpark it. */
    private volatile boolean sleeping;
    private volatile boolean closed;

    public ListenerBus() {
        thread.setDaemon(true);
        thread.start();
    }

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
        if (!enqueue(() -> deliver(listeners, event))) {
            LOG.debug("Dropping {} posted after the listener bus stopped", event);
        }
    }

    /** Queues {@code work} for the delivering thread; false once the bus is closed. */
    private boolean enqueue(Runnable work) {
        if (closed) {
            return false;
        }
        queue.add(work);
        // The queue's add and this read, and the thread's write of sleeping and its look at the queue, are all
        // volatile accesses: either the thread sees this work before it sleeps, or this sees it sleeping.
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    private void deliverLoop() {
        while (true) {
            boolean delivered = false;
            for (Runnable work = queue.poll(); work != null; work = queue.poll()) {
                run(work);
                delivered = true;
            }
            if (delivered) {
                LockSupport.parkNanos(this, BATCH_NANOS);
                continue;
            }
            if (closed) {
                return; // closed, and what was queued before is delivered
            }
            Thread.interrupted(); // a listener's stray interrupt would otherwise make every park return at once
            sleeping = true;
            if (queue.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            sleeping = false;
        }
    }

    private static void run(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            // deliver() already catches each listener's exceptions; this keeps the bus alive past anything else.
            LOG.error("Listener bus delivery failed", e);
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
        if (!enqueue(() -> reached.complete(null))) {
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
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return; // a listener closing the context: the loop ends after this event
        }
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Listener bus did not drain within {} s; dropping remaining events", CLOSE_WAIT_MILLIS / 1000);
            queue.clear();
            thread.interrupt();
        }
    }
}
