package dev.spindle.ui.status;

import static java.util.Objects.requireNonNull;

import dev.spindle.config.Redaction;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import dev.spindle.ui.status.ApiModel.ApplicationAttemptInfo;
import dev.spindle.ui.status.ApiModel.ApplicationEnvironmentInfo;
import dev.spindle.ui.status.ApiModel.ApplicationInfo;
import dev.spindle.ui.status.ApiModel.ExecutorSummary;
import dev.spindle.ui.status.ApiModel.JobData;
import dev.spindle.ui.status.ApiModel.RddDataDistribution;
import dev.spindle.ui.status.ApiModel.RddStorageInfo;
import dev.spindle.ui.status.ApiModel.StageData;
import dev.spindle.ui.status.ApiModel.TaskData;
import dev.spindle.ui.status.ApiModel.TaskMetricDistributions;
import dev.spindle.ui.status.LiveEntities.BlockKey;
import dev.spindle.ui.status.LiveEntities.LiveApplication;
import dev.spindle.ui.status.LiveEntities.LiveExecutor;
import dev.spindle.ui.status.LiveEntities.LiveJob;
import dev.spindle.ui.status.LiveEntities.LiveRdd;
import dev.spindle.ui.status.LiveEntities.LiveStage;
import dev.spindle.ui.status.LiveEntities.LiveTask;
import dev.spindle.ui.status.LiveEntities.StageKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * What the web UI and the REST API show of one application, built only from {@link SchedulerEvent}s: the live
 * driver feeds it from its listener bus, the history server by replaying an event log. It never asks the scheduler.
 *
 * <p>Events arrive on one thread; reads come from HTTP threads and get immutable snapshots ({@link ApiModel}). A
 * read-write lock keeps each event and each read atomic. Memory is bounded by {@link StoreLimits}: beyond them the
 * oldest finished jobs, stage attempts and task attempts are forgotten.
 */
public final class AppStatusStore implements SchedulerListener {
    private final StoreLimits limits;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final LiveApplication app = new LiveApplication();
    private final Map<Integer, LiveJob> jobs = new LinkedHashMap<>();
    private final ArrayDeque<Integer> finishedJobs = new ArrayDeque<>();
    private final Map<StageKey, LiveStage> stages = new LinkedHashMap<>();
    private final ArrayDeque<StageKey> finishedStages = new ArrayDeque<>();
    private final Map<String, LiveExecutor> executors = new LinkedHashMap<>();
    private final Map<Integer, LiveRdd> rdds = new TreeMap<>();

    public AppStatusStore(StoreLimits limits) {
        this.limits = requireNonNull(limits, "limits is null");
    }

    @Override
    public void onEvent(SchedulerEvent event) {
        lock.writeLock().lock();
        try {
            app.lastUpdated = Math.max(app.lastUpdated, event.time());
            apply(event);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void apply(SchedulerEvent event) {
        if (event instanceof SchedulerEvent.TaskStarted e) {
            taskStarted(e);
        } else if (event instanceof SchedulerEvent.TaskEnded e) {
            taskEnded(e);
        } else if (event instanceof SchedulerEvent.StageSubmitted e) {
            stageSubmitted(e);
        } else if (event instanceof SchedulerEvent.StageCompleted e) {
            stageCompleted(e);
        } else if (event instanceof SchedulerEvent.JobStarted e) {
            jobs.put(e.jobId(), new LiveJob(e.jobId(), e.description(), e.time(), e.stageIds()));
        } else if (event instanceof SchedulerEvent.JobFinished e) {
            jobFinished(e);
        } else if (event instanceof SchedulerEvent.BlockUpdated e) {
            blockUpdated(e);
        } else if (event instanceof SchedulerEvent.ExecutorAdded e) {
            executors.put(e.executor().id(), new LiveExecutor(e.executor().id(), e.host(), e.cores(),
                    e.maxMemoryBytes(), e.time(), e.logUrls()));
        } else if (event instanceof SchedulerEvent.ExecutorRemoved e) {
            LiveExecutor executor = executors.get(e.executor().id());
            if (executor != null) {
                executor.removeTime = e.time();
                executor.removeReason = e.reason();
            }
        } else if (event instanceof SchedulerEvent.ApplicationStarted e) {
            app.appId = e.appId();
            app.attempt = e.attempt();
            app.name = e.appName();
            app.user = e.user();
            app.redactedConf = Map.copyOf(Redaction.of(e.conf()));
            app.runtime = e.runtime();
            app.startTime = e.time();
            app.endTime = -1;
            app.finalStatus = null;
        } else if (event instanceof SchedulerEvent.ApplicationEnded e) {
            app.endTime = e.time();
            app.finalStatus = e.status();
        }
    }

    private void stageSubmitted(SchedulerEvent.StageSubmitted e) {
        StageKey key = new StageKey(e.stageId(), e.attempt());
        stages.put(key, new LiveStage(key, e.name(), e.numTasks(), e.jobId(), e.time()));
        LiveJob job = jobs.get(e.jobId());
        if (job != null) {
            job.stageTasks.put(e.stageId(), e.numTasks());
            job.activeStages.add(e.stageId());
            job.failedStages.remove(e.stageId());
        }
    }

    private void stageCompleted(SchedulerEvent.StageCompleted e) {
        StageKey key = new StageKey(e.stageId(), e.attempt());
        LiveStage stage = stages.get(key);
        if (stage == null) {
            return;
        }
        stage.status = e.failure() == null ? "COMPLETE" : "FAILED";
        stage.failureReason = e.failure();
        stage.completionTime = e.time();
        LiveJob job = jobs.get(stage.jobId);
        if (job != null) {
            job.activeStages.remove(e.stageId());
            (e.failure() == null ? job.completedStages : job.failedStages).add(e.stageId());
        }
        finishedStages.add(key);
        while (finishedStages.size() > limits.retainedStages()) {
            stages.remove(finishedStages.poll());
        }
    }

    private void jobFinished(SchedulerEvent.JobFinished e) {
        LiveJob job = jobs.get(e.jobId());
        if (job == null) {
            return;
        }
        job.status = e.succeeded() ? "SUCCEEDED" : "FAILED";
        job.failureReason = e.failure();
        job.completionTime = e.time();
        finishedJobs.add(e.jobId());
        while (finishedJobs.size() > limits.retainedJobs()) {
            jobs.remove(finishedJobs.poll());
        }
    }

    private void taskStarted(SchedulerEvent.TaskStarted e) {
        LiveStage stage = stages.get(new StageKey(e.stageId(), e.stageAttempt()));
        if (stage != null) {
            stage.tasks.put(e.taskId(), new LiveTask(e.taskId(), e.partition(), e.attempt(), e.executor().id(),
                    e.host(), e.time(), e.locality()));
            stage.activeTasks++;
            if (stage.firstTaskLaunchedTime < 0) {
                stage.firstTaskLaunchedTime = e.time();
            }
            LiveJob job = jobs.get(stage.jobId);
            if (job != null) {
                job.activeTasks++;
            }
        }
        LiveExecutor executor = executors.get(e.executor().id());
        if (executor != null) {
            executor.activeTasks++;
        }
    }

    private void taskEnded(SchedulerEvent.TaskEnded e) {
        TaskFailure failure = e.failure();
        boolean killed = failure != null && failure.reason() == TaskFailure.Reason.KILLED;
        TaskMetrics metrics = e.metrics() != null ? e.metrics() : failure == null ? null : failure.metrics();
        LiveStage stage = stages.get(new StageKey(e.stageId(), e.stageAttempt()));
        long duration = -1;
        if (stage != null) {
            LiveTask task = stage.tasks.get(e.taskId());
            if (task != null) {
                task.status = failure == null ? "SUCCESS" : killed ? "KILLED" : "FAILED";
                task.finishTime = e.time();
                task.metrics = metrics;
                task.errorMessage = failure == null ? null : errorMessage(failure);
                duration = task.duration();
                stage.finishedTasks.add(e.taskId());
                while (stage.finishedTasks.size() > limits.retainedTasks()) {
                    stage.tasks.remove(stage.finishedTasks.poll());
                }
            }
            stage.activeTasks = Math.max(0, stage.activeTasks - 1);
            if (failure == null) {
                stage.completeTasks++;
                stage.completedIndices.set(e.partition());
            } else if (killed) {
                stage.killedTasks++;
            } else {
                stage.failedTasks++;
            }
            if (metrics != null) {
                stage.totals.add(metrics);
            }
            LiveJob job = jobs.get(stage.jobId);
            if (job != null) {
                job.activeTasks = Math.max(0, job.activeTasks - 1);
                if (failure == null) {
                    job.completedTasks++;
                } else if (killed) {
                    job.killedTasks++;
                } else {
                    job.failedTasks++;
                }
            }
        }
        LiveExecutor executor = executors.get(e.executor().id());
        if (executor != null) {
            executor.activeTasks = Math.max(0, executor.activeTasks - 1);
            if (failure == null) {
                executor.completedTasks++;
            } else if (!killed) {
                executor.failedTasks++;
            }
            if (metrics != null) {
                executor.totalDuration += duration >= 0 ? duration : metrics.durationMillis();
                executor.totalGcTime += metrics.gcTimeMillis();
                executor.totalInputBytes += metrics.bytesRead();
                executor.totalShuffleRead += metrics.shuffleBytesRead();
                executor.totalShuffleWrite += metrics.shuffleBytesWritten();
            }
        }
    }

    private static String errorMessage(TaskFailure failure) {
        String head = failure.reason() + ": " + failure.exceptionClass()
                + (failure.message().isEmpty() ? "" : ": " + failure.message());
        return failure.stackTrace().isEmpty() ? head : head + "\n" + failure.stackTrace();
    }

    private void blockUpdated(SchedulerEvent.BlockUpdated e) {
        LiveRdd rdd = rdds.computeIfAbsent(e.nodeId(), LiveRdd::new);
        if (!e.datasetName().isEmpty()) {
            rdd.name = e.datasetName();
        }
        if (e.numPartitions() > 0) {
            rdd.numPartitions = e.numPartitions();
        }
        BlockKey key = new BlockKey(e.partition(), e.executor().id());
        long[] old = e.removed() ? rdd.blocks.remove(key) : rdd.blocks.put(key, new long[] {e.memoryBytes(),
                e.diskBytes()});
        LiveExecutor executor = executors.get(e.executor().id());
        if (executor != null) {
            if (old != null) {
                executor.rddBlocks--;
                executor.memoryUsed -= old[0];
                executor.diskUsed -= old[1];
            }
            if (!e.removed()) {
                executor.rddBlocks++;
                executor.memoryUsed += e.memoryBytes();
                executor.diskUsed += e.diskBytes();
            }
        }
        if (rdd.blocks.isEmpty()) {
            rdds.remove(e.nodeId());
        }
    }

    // ---- reads -------------------------------------------------------------------------------

    private <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The application, once its start event arrived. */
    public Optional<ApplicationInfo> application() {
        return read(() -> {
        if (app.appId == null) {
            return Optional.empty();
        }
        boolean completed = app.endTime >= 0;
        long end = completed ? app.endTime : -1;
        long duration = (completed ? app.endTime : app.lastUpdated) - app.startTime;
        ApplicationAttemptInfo attempt = new ApplicationAttemptInfo(String.valueOf(app.attempt),
                Times.format(app.startTime), Times.format(end), Times.format(app.lastUpdated), duration, app.user,
                completed, app.finalStatus, app.startTime, end, app.lastUpdated);
        return Optional.of(new ApplicationInfo(app.appId, app.name, List.of(attempt)));
        });
    }

    /** Retained jobs, newest first. */
    public List<JobData> jobs() {
        return read(() -> {
        List<JobData> all = new ArrayList<>();
        jobs.values().forEach(job -> all.add(Snapshots.job(job)));
        all.sort(Comparator.comparingInt(JobData::jobId).reversed());
        return all;
        });
    }

    public Optional<JobData> job(int jobId) {
        return read(() -> {
        return Optional.ofNullable(jobs.get(jobId)).map(Snapshots::job);
        });
    }

    /** Retained stage attempts, newest stage first, without their tasks. */
    public List<StageData> stages() {
        return read(() -> {
        List<StageData> all = new ArrayList<>();
        stages.values().forEach(stage -> all.add(Snapshots.stage(stage)));
        all.sort(Comparator.comparingInt(StageData::stageId).thenComparingInt(StageData::attemptId).reversed());
        return all;
        });
    }

    /** The retained attempts of stage {@code stageId}, oldest first; empty when none is known. */
    public List<StageData> stageAttempts(int stageId) {
        List<StageData> attempts = new ArrayList<>(stages().stream().filter(s -> s.stageId() == stageId).toList());
        attempts.sort(Comparator.comparingInt(StageData::attemptId));
        return attempts;
    }

    /** A stage attempt, with its task attempts when {@code withTasks}. */
    public Optional<StageData> stage(int stageId, int attempt, boolean withTasks) {
        return read(() -> {
        LiveStage stage = stages.get(new StageKey(stageId, attempt));
        if (stage == null) {
            return Optional.empty();
        }
        StageData data = Snapshots.stage(stage);
        if (withTasks) {
            Map<Long, TaskData> tasks = new LinkedHashMap<>();
            stage.tasks.values().forEach(task -> tasks.put(task.taskId, Snapshots.task(task, executors)));
            data = data.withTasks(tasks);
        }
        return Optional.of(data);
        });
    }

    /**
     * A page of a stage attempt's task attempts, sorted by {@code sortBy} (see {@link TaskOrder#parse}); empty when the
     * stage attempt is unknown.
     */
    public Optional<List<TaskData>> taskList(int stageId, int attempt, int offset, int length, TaskOrder.Sort sortBy) {
        requireNonNull(sortBy, "sortBy is null");
        return read(() -> {
        LiveStage stage = stages.get(new StageKey(stageId, attempt));
        if (stage == null) {
            return Optional.empty();
        }
        List<LiveTask> sorted = new ArrayList<>(stage.tasks.values());
        sorted.sort(sortBy.comparator());
        int from = Math.min(Math.max(offset, 0), sorted.size());
        int to = Math.min(sorted.size(), from + Math.max(length, 0));
        List<TaskData> page = new ArrayList<>(to - from);
        for (LiveTask task : sorted.subList(from, to)) {
            page.add(Snapshots.task(task, executors));
        }
        return Optional.of(page);
        });
    }

    /** Quantiles of the metrics of a stage attempt's successful tasks; empty when the attempt is unknown. */
    public Optional<TaskMetricDistributions> taskSummary(int stageId, int attempt, List<Double> quantiles) {
        return read(() -> {
        LiveStage stage = stages.get(new StageKey(stageId, attempt));
        return stage == null ? Optional.empty() : Optional.of(Quantiles.of(stage.tasks.values(), quantiles));
        });
    }

    /** Executors, active ones only unless {@code includeRemoved}. */
    public List<ExecutorSummary> executors(boolean includeRemoved) {
        return read(() -> {
        List<ExecutorSummary> all = new ArrayList<>();
        for (LiveExecutor executor : executors.values()) {
            if (includeRemoved || executor.isActive()) {
                all.add(Snapshots.executor(executor));
            }
        }
        return all;
        });
    }

    /** Cached datasets, by id. */
    public List<RddStorageInfo> storage() {
        return read(() -> {
        List<RddStorageInfo> all = new ArrayList<>();
        for (LiveRdd rdd : rdds.values()) {
            all.add(rddInfo(rdd));
        }
        return all;
        });
    }

    public Optional<RddStorageInfo> rdd(int id) {
        return read(() -> {
        return Optional.ofNullable(rdds.get(id)).map(this::rddInfo);
        });
    }

    private RddStorageInfo rddInfo(LiveRdd rdd) {
        Map<String, long[]> byExecutor = new TreeMap<>();
        java.util.Set<Integer> partitions = new java.util.HashSet<>();
        long memory = 0;
        long disk = 0;
        for (Map.Entry<BlockKey, long[]> block : rdd.blocks.entrySet()) {
            partitions.add(block.getKey().partition());
            memory += block.getValue()[0];
            disk += block.getValue()[1];
            long[] sums = byExecutor.computeIfAbsent(block.getKey().executorId(), k -> new long[3]);
            sums[0]++;
            sums[1] += block.getValue()[0];
            sums[2] += block.getValue()[1];
        }
        List<RddDataDistribution> distribution = new ArrayList<>();
        byExecutor.forEach((executorId, sums) -> {
            LiveExecutor executor = executors.get(executorId);
            distribution.add(new RddDataDistribution(executor == null ? executorId : executor.host, (int) sums[0],
                    sums[1], sums[2]));
        });
        return new RddStorageInfo(rdd.id, rdd.name.isEmpty() ? "dataset " + rdd.id : rdd.name,
                rdd.numPartitions > 0 ? rdd.numPartitions : null, partitions.size(), memory, disk, distribution);
    }

    /** The resolved configuration, secrets redacted by {@code spindle.redaction.regex}. */
    public ApplicationEnvironmentInfo environment() {
        return read(() -> {
        List<List<String>> properties = new ArrayList<>();
        new TreeMap<>(app.redactedConf).forEach((key, value) -> properties.add(List.of(key, value)));
        return new ApplicationEnvironmentInfo(app.runtime, properties);
        });
    }
}
