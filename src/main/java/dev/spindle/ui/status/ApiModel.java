package dev.spindle.ui.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the REST API ({@code /api/v1}) returns, and what the pages show: immutable snapshots of the
 * {@link AppStatusStore}. Field names are those of Spark's monitoring REST API wherever the concept exists, so that
 * scripts written against Spark read them unchanged; times are Spark's {@code yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'}
 * strings, absent values are left out of the JSON.
 */
public final class ApiModel {
    private ApiModel() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApplicationInfo(String id, String name, List<ApplicationAttemptInfo> attempts) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApplicationAttemptInfo(String attemptId, String startTime, String endTime, String lastUpdated,
            long duration, String sparkUser, boolean completed, String finalStatus, long startTimeEpoch,
            long endTimeEpoch, long lastUpdatedEpoch) {
    }

    /** {@code status}: RUNNING, SUCCEEDED or FAILED. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobData(int jobId, String name, String description, String submissionTime, String completionTime,
            List<Integer> stageIds, String status, int numTasks, int numActiveTasks, int numCompletedTasks,
            int numSkippedTasks, int numFailedTasks, int numKilledTasks, int numCompletedIndices,
            int numActiveStages, int numCompletedStages, int numSkippedStages, int numFailedStages,
            String failureReason) {
    }

    /** {@code status}: ACTIVE, COMPLETE or FAILED. {@code tasks} only when asked for ({@code details=true}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StageData(String status, int stageId, int attemptId, int jobId, int numTasks, int numActiveTasks,
            int numCompleteTasks, int numFailedTasks, int numKilledTasks, int numCompletedIndices,
            String submissionTime, String firstTaskLaunchedTime, String completionTime, String failureReason,
            long executorRunTime, long resultSize, long jvmGcTime, long diskBytesSpilled, long inputBytes,
            long inputRecords, long outputBytes, long outputRecords, long shuffleReadBytes, long shuffleReadRecords,
            long shuffleWriteBytes, long shuffleWriteRecords, String name, Map<Long, TaskData> tasks) {
        StageData withTasks(Map<Long, TaskData> all) {
            return new StageData(status, stageId, attemptId, jobId, numTasks, numActiveTasks, numCompleteTasks,
                    numFailedTasks, numKilledTasks, numCompletedIndices, submissionTime, firstTaskLaunchedTime,
                    completionTime, failureReason, executorRunTime, resultSize, jvmGcTime, diskBytesSpilled, inputBytes,
                    inputRecords, outputBytes, outputRecords, shuffleReadBytes, shuffleReadRecords, shuffleWriteBytes,
                    shuffleWriteRecords, name, all);
        }
    }

    /**
     * One task attempt. {@code status}: RUNNING, SUCCESS, FAILED or KILLED; {@code duration} is absent while it runs;
     * {@code taskLocality}: PROCESS_LOCAL, NODE_LOCAL, NO_PREF or ANY, absent in event logs that did not record it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskData(long taskId, int index, int attempt, int partitionId, String launchTime, Long duration,
            String executorId, String host, String status, String taskLocality, boolean speculative,
            String errorMessage, TaskMetricsData taskMetrics, Map<String, String> executorLogs) {
    }

    public record TaskMetricsData(long executorRunTime, long jvmGcTime, long resultSize, long diskBytesSpilled,
            InputMetrics inputMetrics, OutputMetrics outputMetrics, ShuffleReadMetrics shuffleReadMetrics,
            ShuffleWriteMetrics shuffleWriteMetrics) {
    }

    public record InputMetrics(long bytesRead, long recordsRead) {
    }

    public record OutputMetrics(long bytesWritten, long recordsWritten) {
    }

    /** Spark splits shuffle reads into local and remote; Spindle counts them together in {@code bytesRead}. */
    public record ShuffleReadMetrics(long bytesRead, long recordsRead) {
    }

    public record ShuffleWriteMetrics(long bytesWritten, long recordsWritten) {
    }

    /** The given quantiles of each metric over the stage attempt's successful tasks. */
    public record TaskMetricDistributions(List<Double> quantiles, List<Double> duration, List<Double> executorRunTime,
            List<Double> jvmGcTime, List<Double> resultSize, List<Double> diskBytesSpilled,
            InputMetricDistributions inputMetrics, OutputMetricDistributions outputMetrics,
            ShuffleReadMetricDistributions shuffleReadMetrics, ShuffleWriteMetricDistributions shuffleWriteMetrics) {
    }

    public record InputMetricDistributions(List<Double> bytesRead, List<Double> recordsRead) {
    }

    public record OutputMetricDistributions(List<Double> bytesWritten, List<Double> recordsWritten) {
    }

    public record ShuffleReadMetricDistributions(List<Double> readBytes, List<Double> readRecords) {
    }

    public record ShuffleWriteMetricDistributions(List<Double> writeBytes, List<Double> writeRecords) {
    }

    /** {@code maxMemory} is 0 when the backend did not tell it; {@code hostPort} is the executor's host. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExecutorSummary(String id, String hostPort, boolean isActive, int rddBlocks, long memoryUsed,
            long diskUsed, int totalCores, int maxTasks, int activeTasks, int failedTasks, int completedTasks,
            int totalTasks, long totalDuration, long totalGCTime, long totalInputBytes, long totalShuffleRead,
            long totalShuffleWrite, long maxMemory, String addTime, String removeTime, String removeReason,
            Map<String, String> executorLogs) {
    }

    /** A cached dataset ({@code id} is its lineage node); {@code numPartitions} is absent when the events lack it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RddStorageInfo(int id, String name, Integer numPartitions, int numCachedPartitions,
            long memoryUsed, long diskUsed, List<RddDataDistribution> dataDistribution) {
    }

    public record RddDataDistribution(String address, int numBlocks, long memoryUsed, long diskUsed) {
    }

    /** The resolved configuration as {@code [key, value]} pairs, secrets redacted. */
    public record ApplicationEnvironmentInfo(Map<String, String> runtime, List<List<String>> sparkProperties) {
    }
}
