package dev.spindle.api;

import dev.spindle.plan.TaskMetrics;
import dev.spindle.scheduler.spi.ListenerBus;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The scheduler events of a test's context, recorded as they are delivered. Register with {@link #listenTo}: then
 * {@link #clear} and {@link #stream} first wait until the events already posted have arrived (they come on the
 * listener thread), so what an action posted before it returned is all there and nothing of it arrives after a clear.
 */
final class RecordedEvents implements SchedulerListener {
    private final List<SchedulerEvent> events = new CopyOnWriteArrayList<>();
    private volatile ListenerBus bus;

    /** Records {@code ctx}'s events from now on. */
    void listenTo(Context ctx) {
        bus = ctx.driver().listenerBus();
        bus.addListener(this);
    }

    @Override
    public void onEvent(SchedulerEvent event) {
        events.add(event);
    }

    void clear() {
        settle();
        events.clear();
    }

    Stream<SchedulerEvent> stream() {
        settle();
        return events.stream();
    }

    private void settle() {
        ListenerBus registeredWith = bus;
        if (registeredWith == null) {
            return;
        }
        try {
            registeredWith.awaitDelivered(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for listener events", e);
        }
    }

    /** Waits until a job recorded since the last {@link #clear} has finished (events arrive asynchronously). */
    void awaitJobFinished() {
        Awaitility.await().until(() -> stream().anyMatch(e -> e instanceof SchedulerEvent.JobFinished));
    }

    /** {@code metric} summed over the tasks that ended with metrics, once a job has finished. */
    long sumOverTasks(ToLongFunction<TaskMetrics> metric) {
        awaitJobFinished();
        return stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.metrics() != null)
                .mapToLong(e -> metric.applyAsLong(((SchedulerEvent.TaskEnded) e).metrics())).sum();
    }
}
