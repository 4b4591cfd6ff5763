package dev.spindle.scheduler.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Clock;
import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskKind;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.plan.TaskResult;
import dev.spindle.plan.TaskStatus;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Short tasks are queued ahead on busy cores of executor processes, so that a core goes from one to the next without
 * a round trip to the driver; long tasks, in-process backends and a limit of 0 keep one task per core.
 */
class QueueAheadTest {
    private static final ExecutorId E1 = new ExecutorId("1");
    private static final ExecutorId E2 = new ExecutorId("2");
    private static final long LIMIT_MILLIS = 2;

    private final FakeBackend backend = new FakeBackend();
    private final RecordingListener listener = new RecordingListener();
    private TaskScheduler scheduler;
    /** Launched and not finished, per executor, in launch order. */
    private final Map<ExecutorId, List<TaskLaunch>> inFlight = new LinkedHashMap<>();

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void onceMostFinishedTasksRanShortEachBusyCoreGetsMoreQueued() {
        start(true, LIMIT_MILLIS);
        collect();
        assertThat(counts()).as("one task per core at first").containsExactly(Map.entry(E1, 1), Map.entry(E2, 2));

        // Until enough tasks have finished to tell, each end launches one task, on the core it freed.
        for (int done = 1; done < TaskSetManager.SHORT_TASK_SAMPLES; done++) {
            finishOldest(E2, LIMIT_MILLIS);
            assertThat(collect()).as("launches after %d short tasks", done).hasSize(1);
            assertThat(counts()).containsExactly(Map.entry(E1, 1), Map.entry(E2, 2));
        }
        finishOldest(E1, 0);
        collect();
        int ahead = TaskScheduler.QUEUED_AHEAD_PER_CORE;
        assertThat(counts()).as("each core runs one and holds %d queued", ahead)
                .containsExactly(Map.entry(E1, 1 + ahead), Map.entry(E2, 2 * (1 + ahead)));

        // From now on each end is replaced by one task, on the executor that ended it.
        finishOldest(E1, 1);
        List<TaskLaunch> next = collect();
        assertThat(next).hasSize(1);
        assertThat(next.get(0).executor()).isEqualTo(E1);
        assertThat(listener.taskFailures).isEmpty();
    }

    @Test
    void longTasksKeepOneTaskPerCore() {
        start(true, LIMIT_MILLIS);
        collect();
        for (int done = 0; done < 3 * TaskSetManager.SHORT_TASK_SAMPLES; done++) {
            finishOldest(done % 2 == 0 ? E1 : E2, LIMIT_MILLIS + 1);
            collect();
            assertThat(counts()).containsExactly(Map.entry(E1, 1), Map.entry(E2, 2));
        }
    }

    @Test
    void aBackendThatDoesNotQueueTasksOrALimitOfZeroKeepsOneTaskPerCore() {
        for (boolean queues : new boolean[] {false, true}) {
            start(queues, queues ? 0 : LIMIT_MILLIS);
            collect();
            for (int done = 0; done < 3 * TaskSetManager.SHORT_TASK_SAMPLES; done++) {
                finishOldest(done % 2 == 0 ? E1 : E2, 0);
                collect();
                assertThat(counts()).as("queues %s", queues).containsExactly(Map.entry(E1, 1), Map.entry(E2, 2));
            }
            scheduler.close();
            scheduler = null;
            inFlight.clear();
            backend.launches.clear();
        }
    }

    @Test
    void anExecutorWithTasksQueuedAheadIsNotReleasedAsIdle() {
        start(true, LIMIT_MILLIS);
        collect();
        for (int done = 0; done < TaskSetManager.SHORT_TASK_SAMPLES; done++) {
            finishOldest(E1, 0);
            collect();
        }
        finishOldest(E1, 0);
        collect();
        scheduler.releaseIfIdle(Map.of(E1, "released (idle)"));
        settle();
        assertThat(backend.released).isEmpty();
    }

    /** A scheduler over executors E1 (1 core) and E2 (2 cores), with a stage of 1,000 tasks submitted. */
    private void start(boolean backendQueues, long queueAheadMillis) {
        backend.queues = backendQueues;
        scheduler = new TaskScheduler(backend, listener,
                new TaskScheduler.Settings(4, 0, 0, "spindle.task.maxFailures=4", queueAheadMillis), Clock.SYSTEM);
        scheduler.executorAdded(E1, "host1", 1);
        scheduler.executorAdded(E2, "host2", 2);
        List<TaskSet.PendingTask> pending = new ArrayList<>();
        for (int p = 0; p < 1000; p++) {
            pending.add(new TaskSet.PendingTask(p, new byte[0], List.of()));
        }
        scheduler.submit(new TaskSet(1, 0, 0, TaskKind.RESULT, new byte[0], pending));
    }

    /** The launches since the last call, once every event posted so far has run; each joins {@link #inFlight}. */
    private List<TaskLaunch> collect() {
        settle();
        List<TaskLaunch> launches = new ArrayList<>();
        backend.launches.drainTo(launches);
        launches.forEach(l -> inFlight.computeIfAbsent(l.executor(), e -> new ArrayList<>()).add(l));
        return launches;
    }

    private Map<ExecutorId, Integer> counts() {
        Map<ExecutorId, Integer> counts = new LinkedHashMap<>();
        for (ExecutorId executor : List.of(E1, E2)) {
            counts.put(executor, inFlight.getOrDefault(executor, List.of()).size());
        }
        return counts;
    }

    /** Reports the oldest task in flight on {@code executor} finished after running {@code runMillis}. */
    private void finishOldest(ExecutorId executor, long runMillis) {
        TaskLaunch oldest = inFlight.get(executor).remove(0);
        TaskMetrics metrics = new TaskMetrics();
        metrics.setDurationMillis(runMillis);
        scheduler.statusUpdate(TaskStatus.finished(oldest.task().taskId(), executor,
                new TaskResult(new byte[0], List.of(), metrics)));
    }

    private void settle() {
        assertThat(scheduler.activeTaskSets()).isNotNegative();
    }
}
