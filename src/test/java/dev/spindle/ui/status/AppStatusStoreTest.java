package dev.spindle.ui.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ExecutorId;
import dev.spindle.config.Redaction;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.ui.status.ApiModel.TaskData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppStatusStoreTest {
    private static final ExecutorId E1 = new ExecutorId("1");
    private static final ExecutorId E2 = new ExecutorId("2");

    private static TaskMetrics metrics(long duration, long gc, long shuffleWrite) {
        TaskMetrics metrics = new TaskMetrics();
        metrics.add(TaskMetrics.fromMap(Map.of("durationMillis", duration, "gcTimeMillis", gc,
                "shuffleBytesWritten", shuffleWrite, "bytesRead", 10L)));
        return metrics;
    }

    /** Job 0 with stages 0 (3 tasks, one failing once) and 1 (skipped) on two executors. */
    private static AppStatusStore runJob(StoreLimits limits) {
        AppStatusStore store = new AppStatusStore(limits);
        store.onEvent(new SchedulerEvent.ApplicationStarted(1, "app-1", 1, "wc", "alice",
                Map.of("spindle.master", "local[2]", "my.db.password", "hunter2"), Map.of()));
        store.onEvent(new SchedulerEvent.ExecutorAdded(2, E1, "h1", 2, 1L << 30, Map.of("stdout", "http://nm/1")));
        store.onEvent(new SchedulerEvent.ExecutorAdded(2, E2, "h2", 2));
        store.onEvent(new SchedulerEvent.JobStarted(3, 0, "count at Wc.java:9", List.of(0, 1)));
        store.onEvent(new SchedulerEvent.StageSubmitted(4, 0, 0, "map", 3, 0));
        store.onEvent(new SchedulerEvent.TaskStarted(5, 0, 0, 10, 0, 0, E1, "h1", "NODE_LOCAL"));
        store.onEvent(new SchedulerEvent.TaskStarted(5, 0, 0, 11, 1, 0, E2, "h2"));
        store.onEvent(new SchedulerEvent.TaskStarted(5, 0, 0, 12, 2, 0, E2, "h2"));
        store.onEvent(new SchedulerEvent.TaskEnded(20, 0, 0, 10, 0, 0, E1, metrics(30, 3, 100), null));
        store.onEvent(new SchedulerEvent.TaskEnded(25, 0, 0, 11, 1, 0, E2, null,
                new TaskFailure(TaskFailure.Reason.EXCEPTION, "java.lang.IllegalStateException", "bad row", "", null,
                        null)));
        store.onEvent(new SchedulerEvent.TaskStarted(26, 0, 0, 13, 1, 1, E1, "h1"));
        store.onEvent(new SchedulerEvent.TaskEnded(40, 0, 0, 12, 2, 0, E2, metrics(10, 1, 300), null));
        store.onEvent(new SchedulerEvent.TaskEnded(50, 0, 0, 13, 1, 1, E1, metrics(20, 2, 200), null));
        store.onEvent(new SchedulerEvent.StageCompleted(51, 0, 0, "map", null));
        store.onEvent(new SchedulerEvent.JobFinished(52, 0, true, null));
        return store;
    }

    @Test
    void countsJobStageExecutorAndTasksFromEvents() {
        AppStatusStore store = runJob(new StoreLimits(10, 10, 100));
        var job = store.job(0).orElseThrow();
        assertThat(job.status()).isEqualTo("SUCCEEDED");
        assertThat(job.numTasks()).isEqualTo(3);
        assertThat(job.numCompletedTasks()).isEqualTo(3);
        assertThat(job.numFailedTasks()).isEqualTo(1);
        assertThat(job.numCompletedStages()).isEqualTo(1);
        assertThat(job.numSkippedStages()).isEqualTo(1);
        var stage = store.stage(0, 0, false).orElseThrow();
        assertThat(stage.status()).isEqualTo("COMPLETE");
        assertThat(stage.numCompleteTasks()).isEqualTo(3);
        assertThat(stage.numFailedTasks()).isEqualTo(1);
        assertThat(stage.shuffleWriteBytes()).isEqualTo(600);
        assertThat(stage.jvmGcTime()).isEqualTo(6);
        var e1 = store.executors(false).stream().filter(e -> e.id().equals("1")).findFirst().orElseThrow();
        assertThat(e1.completedTasks()).isEqualTo(2);
        assertThat(e1.totalShuffleWrite()).isEqualTo(300);
        assertThat(e1.maxMemory()).isEqualTo(1L << 30);
        assertThat(e1.executorLogs()).containsEntry("stdout", "http://nm/1");
        var e2 = store.executors(false).stream().filter(e -> e.id().equals("2")).findFirst().orElseThrow();
        assertThat(e2.failedTasks()).isEqualTo(1);
    }

    @Test
    void taskListPagesAndSorts() {
        AppStatusStore store = runJob(new StoreLimits(10, 10, 100));
        List<TaskData> byRuntime = store.taskList(0, 0, 0, 10, TaskOrder.parse("-runtime")).orElseThrow();
        // Longest first; the failed task 11 has no metrics, so its duration is the time between its events (20 ms),
        // tied with task 13 and ordered by id.
        assertThat(byRuntime).extracting(TaskData::taskId).containsExactly(10L, 11L, 13L, 12L);
        assertThat(store.taskList(0, 0, 1, 2, TaskOrder.parse("ID")).orElseThrow())
                .extracting(TaskData::taskId).containsExactly(11L, 12L);
        assertThat(byRuntime.get(1).errorMessage()).contains("IllegalStateException: bad row");
        assertThat(byRuntime.get(0).taskLocality()).isEqualTo("NODE_LOCAL");
        assertThat(byRuntime.get(1).taskLocality()).as("not recorded").isNull();
        assertThat(store.taskList(7, 0, 0, 10, TaskOrder.parse("ID"))).isEmpty();
        assertThatThrownBy(() -> TaskOrder.parse("colour")).hasMessageContaining("sortBy=colour is not a task order");
    }

    @Test
    void summarizesSuccessfulTasksAtQuantiles() {
        AppStatusStore store = runJob(new StoreLimits(10, 10, 100));
        var summary = store.taskSummary(0, 0, List.of(0.0, 0.5, 1.0)).orElseThrow();
        assertThat(summary.duration()).containsExactly(10.0, 20.0, 30.0);
        assertThat(summary.jvmGcTime()).containsExactly(1.0, 2.0, 3.0);
        assertThat(summary.shuffleWriteMetrics().writeBytes()).containsExactly(100.0, 200.0, 300.0);
    }

    @Test
    void forgetsTheOldestFinishedJobsStagesAndTasksBeyondTheLimits() {
        AppStatusStore store = runJob(new StoreLimits(1, 1, 2));
        assertThat(store.stage(0, 0, true).orElseThrow().tasks()).containsOnlyKeys(12L, 13L);
        store.onEvent(new SchedulerEvent.JobStarted(60, 1, null, List.of(2)));
        store.onEvent(new SchedulerEvent.StageSubmitted(61, 2, 0, "reduce", 1, 1));
        // A running job does not count against the limit.
        assertThat(store.jobs()).extracting(ApiModel.JobData::jobId).containsExactly(1, 0);
        store.onEvent(new SchedulerEvent.StageCompleted(62, 2, 0, "reduce", "boom"));
        store.onEvent(new SchedulerEvent.JobFinished(63, 1, false, "boom"));
        assertThat(store.jobs()).extracting(ApiModel.JobData::jobId).containsExactly(1);
        assertThat(store.stages()).extracting(ApiModel.StageData::stageId).containsExactly(2);
        assertThat(store.job(1).orElseThrow().numFailedStages()).isEqualTo(1);
    }

    @Test
    void tracksCachedBlocksPerDatasetAndExecutor() {
        AppStatusStore store = runJob(new StoreLimits(10, 10, 100));
        store.onEvent(new SchedulerEvent.BlockUpdated(70, E1, 5, 0, 100, 0, "map at Wc.java:7", 4));
        store.onEvent(new SchedulerEvent.BlockUpdated(71, E2, 5, 1, 50, 7));
        store.onEvent(new SchedulerEvent.BlockUpdated(72, E2, 5, 1, 60, 0));
        var rdd = store.rdd(5).orElseThrow();
        assertThat(rdd.numCachedPartitions()).isEqualTo(2);
        assertThat(rdd.numPartitions()).isEqualTo(4);
        assertThat(rdd.name()).isEqualTo("map at Wc.java:7");
        assertThat(rdd.memoryUsed()).isEqualTo(160);
        assertThat(rdd.diskUsed()).isZero();
        store.onEvent(new SchedulerEvent.BlockUpdated(73, E1, 5, 0, 0, 0));
        assertThat(store.executors(false)).filteredOn(e -> e.id().equals("1")).singleElement()
                .satisfies(e -> assertThat(e.rddBlocks()).isZero());
        store.onEvent(new SchedulerEvent.BlockUpdated(74, E2, 5, 1, 0, 0));
        assertThat(store.storage()).isEmpty();
    }

    @Test
    void redactsSecretsInTheEnvironmentWithTheConfiguredPattern() {
        AppStatusStore store = runJob(new StoreLimits(10, 10, 100));
        assertThat(store.environment().sparkProperties()).contains(List.of("my.db.password", Redaction.REDACTED),
                List.of("spindle.master", "local[2]"));
        store.onEvent(new SchedulerEvent.ApplicationStarted(80, "app-1", 2, "wc", "alice",
                Map.of("spindle.redaction.regex", "(?i)master", "my.db.password", "hunter2", "spindle.master", "yarn"), Map.of()));
        assertThat(store.environment().sparkProperties()).contains(List.of("spindle.master", Redaction.REDACTED),
                List.of("my.db.password", "hunter2"));
    }
}
