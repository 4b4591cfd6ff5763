package dev.spindle.scheduler.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.plan.TaskResult;
import dev.spindle.plan.TaskStatus;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Dynamic allocation's release goes through the scheduler's events: an executor is released only when it runs no
 * task, and a task launched on it first wins, with no failure counted.
 */
class ReleaseIdleTest extends SchedulerHarness {
    private static final ExecutorId E1 = new ExecutorId("1");
    private static final ExecutorId E2 = new ExecutorId("2");
    private static final TaskResult RESULT = new TaskResult(new byte[0], List.of(), new TaskMetrics());

    ReleaseIdleTest() {
        super(4);
    }

    @Test
    void aBusyExecutorIsNotReleasedAndAnIdleOneIsAndGetsNoMoreTasks() throws InterruptedException {
        scheduler.executorAdded(E1, "host1", 1);
        scheduler.executorAdded(E2, "host2", 1);
        submit(1);
        TaskLaunch launch = backend.launches.poll(10, TimeUnit.SECONDS);
        assertThat(launch).isNotNull();
        ExecutorId busy = launch.executor();
        ExecutorId idle = busy.equals(E1) ? E2 : E1;

        // The manager saw both idle a moment ago; the task launched on one of them first.
        scheduler.releaseIfIdle(Map.of(busy, "released (idle)", idle, "released (idle)"));
        settle();
        assertThat(backend.released).containsExactly(idle);
        assertThat(listener.executorsLost).containsExactly(idle.id() + ": released (idle)");

        scheduler.statusUpdate(TaskStatus.finished(launch.task().taskId(), busy, RESULT));
        submit(2);
        TaskLaunch next = backend.launches.poll(10, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        scheduler.statusUpdate(TaskStatus.finished(next.task().taskId(), busy, RESULT));
        TaskLaunch after = backend.launches.poll(10, TimeUnit.SECONDS);
        assertThat(List.of(next, after)).allSatisfy(l -> assertThat(l.executor()).as("only the kept executor")
                .isEqualTo(busy));
        assertThat(listener.taskFailures).as("no failure counted").isEmpty();
    }
}
