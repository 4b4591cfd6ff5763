package dev.spindle.ui.status;

import dev.spindle.plan.TaskMetrics;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The mutable state of the {@link AppStatusStore}, touched only under its lock. */
final class LiveEntities {
    private LiveEntities() {
    }

    /** A stage attempt's key. */
    record StageKey(int stageId, int attempt) {
    }

    static final class LiveApplication {
        String appId;
        int attempt;
        String name;
        String user;
        Map<String, String> redactedConf = Map.of();
        /** What the driver runs on, sorted by key. */
        Map<String, String> runtime = Map.of();
        long startTime;
        long endTime = -1;
        String finalStatus;
        long lastUpdated;
    }

    static final class LiveJob {
        final int jobId;
        final String description;
        final long submissionTime;
        final List<Integer> stageIds;
        long completionTime = -1;
        String status = "RUNNING";
        String failureReason;
        /** The task count of each stage's latest attempt this job submitted. */
        final Map<Integer, Integer> stageTasks = new HashMap<>();
        final Set<Integer> activeStages = new HashSet<>();
        final Set<Integer> completedStages = new HashSet<>();
        final Set<Integer> failedStages = new HashSet<>();
        int activeTasks;
        int completedTasks;
        int failedTasks;
        int killedTasks;

        LiveJob(int jobId, String description, long submissionTime, List<Integer> stageIds) {
            this.jobId = jobId;
            this.description = description;
            this.submissionTime = submissionTime;
            this.stageIds = List.copyOf(stageIds);
        }

        int numTasks() {
            return stageTasks.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Stages of the job it never had to run (their output existed), once it finished. */
        int skippedStages() {
            if ("RUNNING".equals(status)) {
                return 0;
            }
            int skipped = 0;
            for (int stage : stageIds) {
                if (!stageTasks.containsKey(stage)) {
                    skipped++;
                }
            }
            return skipped;
        }
    }

    static final class LiveStage {
        final StageKey key;
        final String name;
        final int numTasks;
        final int jobId;
        final long submissionTime;
        String status = "ACTIVE";
        long firstTaskLaunchedTime = -1;
        long completionTime = -1;
        String failureReason;
        int activeTasks;
        int completeTasks;
        int failedTasks;
        int killedTasks;
        final BitSet completedIndices = new BitSet();
        /** Sums of the metrics of the stage attempt's ended tasks. */
        final TaskMetrics totals = new TaskMetrics();
        /** Task attempts by id, in launch order; the oldest finished ones are dropped past the retained count. */
        final Map<Long, LiveTask> tasks = new LinkedHashMap<>();
        final ArrayDeque<Long> finishedTasks = new ArrayDeque<>();

        LiveStage(StageKey key, String name, int numTasks, int jobId, long submissionTime) {
            this.key = key;
            this.name = name;
            this.numTasks = numTasks;
            this.jobId = jobId;
            this.submissionTime = submissionTime;
        }
    }

    static final class LiveTask {
        final long taskId;
        final int index;
        final int attempt;
        final String executorId;
        final String host;
        final long launchTime;
        final String locality;
        String status = "RUNNING";
        long finishTime = -1;
        String errorMessage;
        TaskMetrics metrics;

        LiveTask(long taskId, int index, int attempt, String executorId, String host, long launchTime,
                String locality) {
            this.taskId = taskId;
            this.index = index;
            this.attempt = attempt;
            this.executorId = executorId;
            this.host = host;
            this.launchTime = launchTime;
            this.locality = locality;
        }

        /** The run time the executor measured, else the time between the events; -1 while it runs. */
        long duration() {
            if (finishTime < 0) {
                return -1;
            }
            return metrics != null && metrics.durationMillis() > 0 ? metrics.durationMillis() : finishTime - launchTime;
        }
    }

    static final class LiveExecutor {
        final String id;
        final String host;
        final int cores;
        final long maxMemory;
        final long addTime;
        final Map<String, String> logUrls;
        long removeTime = -1;
        String removeReason;
        int activeTasks;
        int failedTasks;
        int completedTasks;
        long totalDuration;
        long totalGcTime;
        long totalInputBytes;
        long totalShuffleRead;
        long totalShuffleWrite;
        int rddBlocks;
        long memoryUsed;
        long diskUsed;

        LiveExecutor(String id, String host, int cores, long maxMemory, long addTime, Map<String, String> logUrls) {
            this.id = id;
            this.host = host;
            this.cores = cores;
            this.maxMemory = maxMemory;
            this.addTime = addTime;
            this.logUrls = Map.copyOf(logUrls);
        }

        boolean isActive() {
            return removeTime < 0;
        }
    }

    /** A cached dataset: bytes in memory and on disk of each cached (partition, executor). */
    static final class LiveRdd {
        final int id;
        String name = "";
        int numPartitions;
        final Map<BlockKey, long[]> blocks = new HashMap<>();

        LiveRdd(int id) {
            this.id = id;
        }
    }

    record BlockKey(int partition, String executorId) {
    }
}
