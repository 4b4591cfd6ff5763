package dev.spindle.scheduler.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Clock;
import dev.spindle.plan.TaskKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** A task scheduler over a {@link FakeBackend} and a {@link RecordingListener}, closed after each test. */
abstract class SchedulerHarness {
    final FakeBackend backend = new FakeBackend();
    final RecordingListener listener = new RecordingListener();
    final TaskScheduler scheduler;

    SchedulerHarness(int maxFailures) {
        scheduler = new TaskScheduler(backend, listener, new TaskScheduler.Settings(maxFailures, 0), Clock.SYSTEM);
    }

    @AfterEach
    void closeScheduler() {
        scheduler.close();
    }

    /** Submits stage 1 of job 0: {@code tasks} result tasks without preferred hosts. */
    void submit(int tasks) {
        List<TaskSet.PendingTask> pending = new ArrayList<>();
        for (int p = 0; p < tasks; p++) {
            pending.add(new TaskSet.PendingTask(p, new byte[0], List.of()));
        }
        scheduler.submit(new TaskSet(1, 0, 0, TaskKind.RESULT, new byte[0], pending));
    }

    /** Every event posted so far has run: the scheduler's events are serial. */
    void settle() {
        assertThat(scheduler.activeTaskSets()).isNotNegative();
    }
}
