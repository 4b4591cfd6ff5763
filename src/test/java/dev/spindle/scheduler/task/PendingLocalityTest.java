package dev.spindle.scheduler.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Clock;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskKind;
import dev.spindle.plan.TaskResult;
import dev.spindle.scheduler.spi.BackendCallbacks;
import dev.spindle.scheduler.spi.SchedulerBackend;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The task scheduler tells its backend where waiting tasks want to run, so that YARN can ask for those hosts. */
class PendingLocalityTest {
    private final LinkedBlockingQueue<Map<String, Integer>> reported = new LinkedBlockingQueue<>();

    private final SchedulerBackend backend = new SchedulerBackend() {
        @Override
        public void start(BackendCallbacks callbacks) {
        }

        @Override
        public int defaultParallelism() {
            return 2;
        }

        @Override
        public void launchTasks(List<TaskLaunch> launches) {
        }

        @Override
        public void killTask(long taskId, ExecutorId executor, String reason) {
        }

        @Override
        public void removeCachedBlocks(int nodeId) {
        }

        @Override
        public void pendingTasksByHost(Map<String, Integer> tasksPerHost) {
            reported.add(tasksPerHost);
        }

        @Override
        public void close() {
        }
    };

    private final TaskSetListener listener = new TaskSetListener() {
        @Override
        public void taskStarted(TaskAttemptId attempt, ExecutorId executor, String host) {
        }

        @Override
        public void taskSucceeded(TaskAttemptId attempt, ExecutorId executor, TaskResult result) {
        }

        @Override
        public void taskFailed(TaskAttemptId attempt, ExecutorId executor, TaskFailure failure) {
        }

        @Override
        public void taskSetFailed(int stageId, int stageAttempt, String reason,
                dev.spindle.plan.TaskFailure lastFailure) {
        }

        @Override
        public void executorAdded(ExecutorId executor, String host, int cores) {
        }

        @Override
        public void executorLost(ExecutorId executor, String reason) {
        }
    };

    private static TaskSet.PendingTask task(int partition, String... hosts) {
        return new TaskSet.PendingTask(partition, new byte[0], List.of(hosts), List.of());
    }

    @Test
    void eachNewTaskSetReportsTheWaitingTasksPerPreferredHost() throws InterruptedException {
        TaskScheduler scheduler = new TaskScheduler(backend, listener, new TaskScheduler.Settings(4, 3000),
                Clock.SYSTEM);
        try {
            scheduler.submit(new TaskSet(1, 0, 0, TaskKind.SHUFFLE_MAP, new byte[0], List.of(task(0, "dn1", "dn2"),
                    task(1, "dn2", "dn3"), task(2))));
            assertThat(reported.poll(10, TimeUnit.SECONDS)).isEqualTo(Map.of("dn1", 1, "dn2", 2, "dn3", 1));
            // No executor has registered, so nothing launched: the second set adds to the first.
            scheduler.submit(new TaskSet(2, 0, 1, TaskKind.RESULT, new byte[0], List.of(task(0, "dn3"))));
            assertThat(reported.poll(10, TimeUnit.SECONDS)).isEqualTo(Map.of("dn1", 1, "dn2", 2, "dn3", 2));
        } finally {
            scheduler.close();
        }
    }
}
