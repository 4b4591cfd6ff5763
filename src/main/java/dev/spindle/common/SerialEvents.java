package dev.spindle.common;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Runs posted events one at a time, in posting order, on the thread that posts them when no other thread is
 * running events, and otherwise hands them to that thread. State touched only by events needs no lock, as with a
 * dedicated event-loop thread, but an event costs no thread wake-up: a task thread that reports its task done
 * runs the scheduling that follows itself, and picks up the next task without waiting for another thread.
 *
 * <p>An event that posts another (directly or through a callback) never runs it inside itself: it runs after the
 * current one returns. {@link #post} never blocks on another thread's event.
 */
public final class SerialEvents {
    private final Consumer<RuntimeException> onFailure;
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;

    /** @param onFailure called (on the running thread) with what an event threw; the next event still runs */
    public SerialEvents(Consumer<RuntimeException> onFailure) {
        this.onFailure = requireNonNull(onFailure, "onFailure is null");
    }

    /** Runs {@code event} now on this thread, or queues it for the thread running events; false once closed. */
    public boolean post(Runnable event) {
        requireNonNull(event, "event is null");
        synchronized (lock) {
            if (closed) {
                return false;
            }
            queue.add(event);
            if (draining) {
                return true;
            }
            draining = true;
        }
        drain();
        return true;
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (lock) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                onFailure.accept(e);
            } catch (Error e) {
                synchronized (lock) {
                    draining = false; // let the next poster drain what is left
                }
                throw e;
            }
        }
    }

    /** Drops queued events and refuses new ones; an event running now finishes. */
    public void close() {
        synchronized (lock) {
            closed = true;
            queue.clear();
        }
    }
}
