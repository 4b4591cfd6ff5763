package dev.spindle.api;

import dev.spindle.plan.TaskMetrics;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** The scheduler events of a test's context, recorded as they are posted (register with {@code addListener}). */
final class RecordedEvents implements SchedulerListener {
    private final List<SchedulerEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(SchedulerEvent event) {
        events.add(event);
    }

    void clear() {
        events.clear();
    }

    Stream<SchedulerEvent> stream() {
        return events.stream();
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
