package dev.spindle.common;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs posted events on a thread of its own, one at a time, in posting order, and lets events that can wait a
 * moment share one wake-up of that thread.
 *
 * <p>Waking a sleeping thread costs a context switch on each side, and a driver running thousands of short tasks a
 * second posts several events per task (the listener bus two, the DAG scheduler one): on two cores those switches
 * took time from the tasks. So after running what was queued the thread naps for a fixed moment ({@code napNanos})
 * and then runs what gathered meanwhile; only after a nap that gathered nothing does it sleep until woken.
 * {@link #post} wakes it from a nap or a sleep at once; {@link #postLazily} wakes it only from a sleep, so such an
 * event waits at most one nap. Either way events run in the order they were posted. The thread starts with the
 * first post (or the close), so that a loop built by a constructor that then fails leaves no thread behind.
 */
public final class BatchingEventLoop implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(BatchingEventLoop.class);

    private final String name;
    private final long napNanos;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    /** Set while the thread sleeps until woken: then a lazy post wakes it too. */
    private volatile boolean sleeping;
    private volatile boolean closed;

    /** A loop whose (daemon) thread is named {@code name}; an event that throws is logged and the next one runs. */
    public BatchingEventLoop(String name, long napNanos) {
        this.name = requireNonNull(name, "name is null");
        SpindleException.checkArgument(napNanos > 0, "napNanos must be positive");
        this.napNanos = napNanos;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
    }

    private void start() {
        if (!started.get() && started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    /** Queues {@code event} and wakes the thread; false once closed (the event will not run). */
    public boolean post(Runnable event) {
        if (!enqueue(event)) {
            return false;
        }
        LockSupport.unpark(thread);
        return true;
    }

    /** Queues {@code event}, to run within about one nap; false once closed (the event will not run). */
    public boolean postLazily(Runnable event) {
        if (!enqueue(event)) {
            return false;
        }
        // The queue's add and this read, and the thread's write of sleeping and its look at the queue, are all
        // volatile accesses: either the thread sees this event before it sleeps, or this sees it sleeping.
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    private boolean enqueue(Runnable event) {
        requireNonNull(event, "event is null");
        if (closed) {
            return false;
        }
        queue.add(event);
        // A close() that came between the check and the add may have seen the queue empty and ended the loop; the
        // loop reads closed before its last look at the queue, so either it runs this event or this sees closed.
        if (closed && queue.remove(event)) {
            return false;
        }
        start();
        return true;
    }

    private boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void loop() {
        while (true) {
            boolean ran = false;
            for (Runnable event = queue.poll(); event != null; event = queue.poll()) {
                run(event);
                ran = true;
            }
            Thread.interrupted(); // an event's stray interrupt would otherwise make every park return at once
            if (ran) {
                if (!closed) {
                    LockSupport.parkNanos(this, napNanos);
                }
                continue;
            }
            if (closed && queue.isEmpty()) {
                return; // closed, and every event posted before ran (closed is read first: see enqueue)
            }
            sleeping = true;
            if (queue.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            sleeping = false;
        }
    }

    private void run(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException | Error e) {
            LOG.error("Event on {} failed", name, e);
        }
    }

    /**
     * Runs the events already posted, then stops; later posts are refused. Waits up to {@code timeoutMillis} for
     * that (not when called from an event: the loop then ends after it); false if the thread is still running.
     */
    public boolean close(long timeoutMillis) {
        closed = true;
        start(); // a loop never posted to starts only to end at once
        LockSupport.unpark(thread);
        if (inLoop()) {
            return true;
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            queue.clear();
            thread.interrupt();
            return false;
        }
        return true;
    }

    /** {@link #close(long)} with 10 s, logging when the events did not finish in time. */
    @Override
    public void close() {
        if (!close(10_000)) {
            LOG.warn("{} did not finish its events within 10 s; dropped the rest", name);
        }
    }
}
