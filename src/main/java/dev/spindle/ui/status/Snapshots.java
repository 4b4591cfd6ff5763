package dev.spindle.ui.status;

import dev.spindle.plan.TaskMetrics;
import dev.spindle.ui.status.ApiModel.ExecutorSummary;
import dev.spindle.ui.status.ApiModel.InputMetrics;
import dev.spindle.ui.status.ApiModel.JobData;
import dev.spindle.ui.status.ApiModel.OutputMetrics;
import dev.spindle.ui.status.ApiModel.ShuffleReadMetrics;
import dev.spindle.ui.status.ApiModel.ShuffleWriteMetrics;
import dev.spindle.ui.status.ApiModel.StageData;
import dev.spindle.ui.status.ApiModel.TaskData;
import dev.spindle.ui.status.ApiModel.TaskMetricsData;
import dev.spindle.ui.status.LiveEntities.LiveExecutor;
import dev.spindle.ui.status.LiveEntities.LiveJob;
import dev.spindle.ui.status.LiveEntities.LiveStage;
import dev.spindle.ui.status.LiveEntities.LiveTask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Immutable {@link ApiModel} copies of the store's live entities; called under the store's read lock. */
final class Snapshots {
    private Snapshots() {
    }

    static JobData job(LiveJob job) {
        List<Integer> stageIds = new ArrayList<>(job.stageIds);
        Collections.sort(stageIds);
        return new JobData(job.jobId, job.description == null ? "job " + job.jobId : job.description,
                job.description, Times.format(job.submissionTime), Times.format(job.completionTime), stageIds,
                job.status, job.numTasks(), job.activeTasks, job.completedTasks, 0, job.failedTasks, job.killedTasks,
                job.completedTasks, job.activeStages.size(), job.completedStages.size(), job.skippedStages(),
                job.failedStages.size(), job.failureReason);
    }

    static StageData stage(LiveStage stage) {
        TaskMetrics m = stage.totals;
        return new StageData(stage.status, stage.key.stageId(), stage.key.attempt(), stage.jobId, stage.numTasks,
                stage.activeTasks, stage.completeTasks, stage.failedTasks, stage.killedTasks,
                stage.completedIndices.cardinality(), Times.format(stage.submissionTime),
                Times.format(stage.firstTaskLaunchedTime), Times.format(stage.completionTime), stage.failureReason,
                m.durationMillis(), m.resultBytes(), m.gcTimeMillis(), m.spilledBytes(), m.bytesRead(),
                m.recordsRead(), m.bytesWritten(), m.recordsWritten(), m.shuffleBytesRead(), m.shuffleRecordsRead(),
                m.shuffleBytesWritten(), m.shuffleRecordsWritten(), stage.name, null);
    }

    static TaskData task(LiveTask task, Map<String, LiveExecutor> executors) {
        long duration = task.duration();
        LiveExecutor executor = executors.get(task.executorId);
        return new TaskData(task.taskId, task.index, task.attempt, task.index, Times.format(task.launchTime),
                duration < 0 ? null : duration, task.executorId, task.host, task.status, task.locality, false,
                task.errorMessage, task.metrics == null ? null : metrics(task.metrics),
                executor == null ? Map.of() : executor.logUrls);
    }

    private static TaskMetricsData metrics(TaskMetrics m) {
        return new TaskMetricsData(m.durationMillis(), m.gcTimeMillis(), m.resultBytes(), m.spilledBytes(),
                new InputMetrics(m.bytesRead(), m.recordsRead()), new OutputMetrics(m.bytesWritten(), m.recordsWritten()),
                new ShuffleReadMetrics(m.shuffleBytesRead(), m.shuffleRecordsRead()),
                new ShuffleWriteMetrics(m.shuffleBytesWritten(), m.shuffleRecordsWritten()));
    }

    static ExecutorSummary executor(LiveExecutor e) {
        return new ExecutorSummary(e.id, e.host, e.isActive(), e.rddBlocks, e.memoryUsed, e.diskUsed, e.cores,
                e.cores, e.activeTasks, e.failedTasks, e.completedTasks, e.activeTasks + e.failedTasks
                        + e.completedTasks, e.totalDuration, e.totalGcTime, e.totalInputBytes, e.totalShuffleRead,
                e.totalShuffleWrite, e.maxMemory, Times.format(e.addTime), Times.format(e.removeTime), e.removeReason,
                e.logUrls);
    }
}
