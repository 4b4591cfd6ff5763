package dev.spindle.scheduler.dag;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.BatchingEventLoop;
import dev.spindle.common.Clock;
import dev.spindle.common.ErrorCode;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.common.SpindleException;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.ConfigParsers;
import dev.spindle.plan.AccumulatorRegistry;
import dev.spindle.plan.Node;
import dev.spindle.plan.ResultFunction;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskResult;
import dev.spindle.scheduler.spi.CacheLocations;
import dev.spindle.scheduler.spi.ListenerBus;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.task.TaskScheduler;
import dev.spindle.scheduler.task.TaskSetListener;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.shuffle.MapOutputTracker;
import dev.spindle.shuffle.MapStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns actions into stages and stages into task sets. Public methods only post events to its one
 * event-loop thread, which owns all job and stage state: missing parent stages run first, shuffles that
 * an earlier job computed are reused, lost map output is recomputed after fetch failures, and a stage
 * whose task failed too often fails exactly the jobs that need it.
 */
public final class DagScheduler implements TaskSetListener, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(DagScheduler.class);
    private static final long RESUBMIT_DELAY_MILLIS = 100;
    /** How long the loop lets lazily posted task successes gather after running events. */
    private static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int MAX_CONSECUTIVE_STAGE_ATTEMPTS = 4;

    /** What the DAG scheduler works with. */
    public record Services(MapOutputTracker tracker, StageSerializer stageSerializer, RecordSerializer results,
            AccumulatorRegistry accumulators, ListenerBus bus, ClassLoader classLoader, long maxResultBytes,
            Clock clock, CacheLocations cacheLocations, ShuffleRecovery shuffleRecovery,
            java.util.function.Consumer<dev.spindle.plan.ShuffleDependency<?, ?, ?>> newShuffles,
            boolean shuffleService) {
        public Services {
            requireNonNull(newShuffles, "newShuffles is null");
            requireNonNull(shuffleRecovery, "shuffleRecovery is null");
            requireNonNull(cacheLocations, "cacheLocations is null");
            requireNonNull(tracker, "tracker is null");
            requireNonNull(stageSerializer, "stageSerializer is null");
            requireNonNull(results, "results is null");
            requireNonNull(accumulators, "accumulators is null");
            requireNonNull(bus, "bus is null");
            requireNonNull(classLoader, "classLoader is null");
            requireNonNull(clock, "clock is null");
        }
    }

    private final Services services;
    private final TaskScheduler taskScheduler;
    private final TaskSetBuilder taskSets;
    /**
     * The event loop; a task's success that does not finish its set is posted lazily (it runs within one nap), so
     * that a stage of thousands of short tasks does not wake this thread for each of them.
     */
    private final BatchingEventLoop loop = new BatchingEventLoop("spindle-dag-scheduler", NAP_NANOS);
    /** Delayed events (a stage resubmission), posted to the loop when due. */
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("spindle-dag-scheduler-timer", true));

    // State below is confined to the loop thread.
    private final Map<Integer, Stage> stages = new HashMap<>();
    private final Map<Integer, ShuffleMapStage> shuffleStages = new HashMap<>();
    private final Map<Integer, ActiveJob> jobs = new HashMap<>();
    private final Set<Stage> waiting = new LinkedHashSet<>();
    private final Set<Stage> running = new HashSet<>();
    private final Set<Stage> failed = new LinkedHashSet<>();
    private final Map<Integer, Set<Integer>> succeededMapPartitions = new HashMap<>();
    private int nextJobId;
    private int nextStageId;
    private boolean resubmitScheduled;

    public DagScheduler(Services services, Function<TaskSetListener, TaskScheduler> taskSchedulerFactory) {
        this.services = requireNonNull(services, "services is null");
        this.taskSets = new TaskSetBuilder(services.stageSerializer(), services.cacheLocations());
        this.taskScheduler = taskSchedulerFactory.apply(this);
    }

    public void start() {
        taskScheduler.start();
    }

    public int defaultParallelism() {
        return taskScheduler.defaultParallelism();
    }

    /**
     * Runs {@code function} on {@code partitions} of {@code node}; each result goes to {@code handler} with its
     * position in {@code partitions}, on the scheduler's thread. The future completes when all have.
     */
    public <T, U> CompletableFuture<Void> submitJob(Node<T> node, ResultFunction<T, U> function,
            List<Integer> partitions, ResultHandler<U> handler, String description) {
        requireNonNull(node, "node is null");
        int numPartitions = node.numPartitions(); // computed on the caller's thread: input errors surface here
        services.shuffleRecovery().jobSubmitting(node);
        for (int p : partitions) {
            SpindleException.checkArgument(p >= 0 && p < numPartitions,
                    "partition %d does not exist in %s (it has %d)", p, node.info(), numPartitions);
        }
        CompletableFuture<CompletableFuture<Void>> submitted = new CompletableFuture<>();
        post(() -> submitted.complete(handleJobSubmitted(node, function, partitions, handler, description)));
        return submitted.join();
    }

    /** Receives one output partition's result. */
    @FunctionalInterface
    public interface ResultHandler<U> {
        void accept(int index, U result);
    }

    /** Fails every running job with {@code reason} (the context is closing). */
    public void cancelAllJobs(String reason) {
        post(() -> {
            for (ActiveJob job : new ArrayList<>(jobs.values())) {
                failJob(job, new SpindleException(ErrorCode.CANCELLED, job + " cancelled: " + reason));
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompletableFuture<Void> handleJobSubmitted(Node<?> node, ResultFunction<?, ?> function,
            List<Integer> partitions, ResultHandler<?> handler, String description) {
        int jobId = nextJobId++;
        ResultStage finalStage;
        try {
            finalStage = new ResultStage(nextStageId++, node, function, partitions, parentStages(node, jobId), jobId,
                    (index, result) -> ((ResultHandler) handler).accept(index, result));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        stages.put(finalStage.id(), finalStage);
        ActiveJob job = finalStage.job();
        jobs.put(jobId, job);
        registerJob(finalStage, jobId);
        List<Integer> stageIds = new ArrayList<>();
        collectStageIds(finalStage, stageIds);
        LOG.info("Job {} ({}) submitted with {} output partitions", jobId, description, partitions.size());
        services.bus().post(new SchedulerEvent.JobStarted(now(), jobId, description, stageIds));
        if (partitions.isEmpty()) {
            finishJob(job);
        } else {
            submitStage(finalStage);
        }
        return job.future();
    }

    private void collectStageIds(Stage stage, List<Integer> out) {
        if (!out.contains(stage.id())) {
            out.add(stage.id());
            stage.parents().forEach(p -> collectStageIds(p, out));
        }
    }

    private void registerJob(Stage stage, int jobId) {
        if (stage.jobIds().add(jobId)) {
            stage.parents().forEach(p -> registerJob(p, jobId));
        }
    }

    /** The shuffle map stages directly below {@code node}, created on first use and then reused. */
    private List<Stage> parentStages(Node<?> node, int jobId) {
        List<Stage> parents = new ArrayList<>();
        for (var dep : Lineage.shuffleDependenciesBelow(node)) {
            parents.add(shuffleStage(dep, jobId));
        }
        return parents;
    }

    private ShuffleMapStage shuffleStage(dev.spindle.plan.ShuffleDependency<?, ?, ?> dep, int jobId) {
        ShuffleMapStage stage = shuffleStages.get(dep.shuffleId());
        if (stage == null) {
            stage = new ShuffleMapStage(nextStageId++, dep, parentStages(dep.parent(), jobId), jobId,
                    services.tracker());
            if (!services.tracker().containsShuffle(dep.shuffleId())) {
                services.tracker().registerShuffle(dep.shuffleId(), dep.parent().numPartitions());
                services.newShuffles().accept(dep);
                for (MapStatus kept : services.shuffleRecovery().shuffleRegistered(dep)) {
                    services.tracker().registerMapOutput(dep.shuffleId(), kept);
                    succeededMapPartitions.computeIfAbsent(dep.shuffleId(), s -> new HashSet<>())
                            .add(kept.mapPartition());
                }
            }
            shuffleStages.put(dep.shuffleId(), stage);
        }
        stages.put(stage.id(), stage);
        return stage;
    }

    private void submitStage(Stage stage) {
        if (waiting.contains(stage) || running.contains(stage) || failed.contains(stage)) {
            return;
        }
        List<Stage> missing = new ArrayList<>();
        for (Stage parent : stage.parents()) {
            if (parent instanceof ShuffleMapStage map && !map.isAvailable()) {
                missing.add(parent);
            }
        }
        if (missing.isEmpty()) {
            submitMissingTasks(stage);
        } else {
            waiting.add(stage); // before the parents: one of them may abort the job, which must find it here
            missing.forEach(this::submitStage);
        }
    }

    private void submitMissingTasks(Stage stage) {
        List<Integer> partitions = stage.missingPartitions();
        int attempt = stage.newAttempt();
        stage.pendingPartitions.clear();
        stage.pendingPartitions.addAll(partitions);
        int jobId = stage.jobIds().stream().mapToInt(Integer::intValue).min().orElse(stage.firstJobId());
        var taskSet = taskSets.build(stage, attempt, jobId, partitions);
        if (taskSet.isFailure()) {
            abortStage(stage, taskSet.failure());
            return;
        }
        running.add(stage);
        LOG.info("Submitting {} attempt {} with {} tasks", stage, attempt, partitions.size());
        services.bus().post(new SchedulerEvent.StageSubmitted(now(), stage.id(), attempt, stage.name(),
                partitions.size(), jobId, stage instanceof ShuffleMapStage map ? map.dependency().shuffleId() : -1));
        if (partitions.isEmpty()) {
            stageFinished(stage, null);
            submitWaitingChildren();
            return;
        }
        taskScheduler.submit(taskSet.value());
    }

    @Override
    public void taskStarted(TaskAttemptId attempt, ExecutorId executor, String host, String locality) {
        services.bus().post(new SchedulerEvent.TaskStarted(now(), attempt.stageId(), attempt.stageAttempt(),
                attempt.taskId(), attempt.partition(), attempt.attempt(), executor, host, locality));
    }

    @Override
    public void taskSucceeded(TaskAttemptId attempt, ExecutorId executor, TaskResult result, boolean lastOfSet) {
        services.bus().post(new SchedulerEvent.TaskEnded(now(), attempt.stageId(), attempt.stageAttempt(),
                attempt.taskId(), attempt.partition(), attempt.attempt(), executor, result.metrics(), null));
        Runnable handle = () -> handleTaskSucceeded(attempt, executor, result);
        if (lastOfSet) {
            post(handle);
        } else {
            postLazily(handle);
        }
    }

    @Override
    public void taskFailed(TaskAttemptId attempt, ExecutorId executor, TaskFailure failure) {
        services.bus().post(new SchedulerEvent.TaskEnded(now(), attempt.stageId(), attempt.stageAttempt(),
                attempt.taskId(), attempt.partition(), attempt.attempt(), executor, failure.metrics(), failure));
        if (failure.countsTowardsFailures()) {
            LOG.warn("Lost {} on executor {}: {}", attempt, executor.id(), failure.describe());
        }
        if (failure.reason() == TaskFailure.Reason.FETCH_FAILED) {
            post(() -> handleFetchFailed(attempt, executor, failure));
        }
    }

    @Override
    public void taskSetFailed(int stageId, int stageAttempt, String reason, TaskFailure lastFailure) {
        post(() -> {
            Stage stage = stages.get(stageId);
            if (stage != null && stage.latestAttempt() == stageAttempt) {
                // The user's exception, rebuilt with the application's class loader, chained as the job's cause.
                abortStage(stage, reason, lastFailure == null ? null : lastFailure.cause(services.classLoader()));
            }
        });
    }

    @Override
    public void executorAdded(ExecutorId executor, String host, int cores, long maxMemoryBytes,
            Map<String, String> logUrls) {
        services.bus().post(new SchedulerEvent.ExecutorAdded(now(), executor, host, cores, maxMemoryBytes, logUrls));
    }

    @Override
    public void executorLost(ExecutorId executor, String reason) {
        services.bus().post(new SchedulerEvent.ExecutorRemoved(now(), executor, reason));
        post(() -> {
            if (services.shuffleService()) {
                LOG.info("The map output of executor {} stays available from its node's shuffle service",
                        executor.id());
                return;
            }
            var shuffles = services.tracker().removeOutputsOnExecutor(executor);
            if (!shuffles.isEmpty()) {
                LOG.warn("Map output of shuffles {} lost with executor {}; it will be recomputed", shuffles,
                        executor.id());
                for (int shuffleId : shuffles) {
                    succeededMapPartitions.remove(shuffleId);
                }
            }
            // Running map stages whose finished outputs vanished must rerun those partitions.
            for (Stage stage : new ArrayList<>(running)) {
                if (stage instanceof ShuffleMapStage map && stage.pendingPartitions.isEmpty() && !map.isAvailable()) {
                    stageFinished(stage, "map output lost with executor " + executor.id());
                    submitStage(stage);
                }
            }
        });
    }

    private void handleTaskSucceeded(TaskAttemptId attempt, ExecutorId executor, TaskResult result) {
        Stage stage = stages.get(attempt.stageId());
        if (stage == null) {
            return; // its jobs ended meanwhile
        }
        if (stage instanceof ResultStage resultStage) {
            ActiveJob job = resultStage.job();
            if (job == null || !jobs.containsKey(job.id())) {
                return;
            }
            int index = resultStage.indexOf(attempt.partition());
            if (!job.markFinished(index)) {
                return;
            }
            services.accumulators().merge(result.accumulatorUpdates());
            long total = job.addResultBytes(result.serializedBytes());
            if (services.maxResultBytes() > 0 && total > services.maxResultBytes()) {
                failJob(job, new SpindleException(ErrorCode.LIMIT_EXCEEDED, "Total size of serialized results of "
                        + job + " (" + total + " bytes) exceeds spindle.driver.maxResultSize="
                        + ConfigParsers.formatBytes(services.maxResultBytes())
                        + "; raise spindle.driver.maxResultSize, or bring back less (take, or save the data to files)"));
                return;
            }
            if (!result.fetched()) {
                failJob(job, SpindleException.internal("%s: the result of %s was not fetched from its executor",
                        job, attempt));
                return;
            }
            try {
                Object value = services.results().fromBytes(result.value(), services.classLoader());
                job.handler().taskSucceeded(index, value);
            } catch (RuntimeException e) {
                failJob(job, new SpindleException(ErrorCode.USER_CODE_FAILED, job + ": result handler failed for "
                        + attempt + ": " + e, e));
                return;
            }
            stage.pendingPartitions.remove(attempt.partition());
            if (job.allFinished()) {
                stageFinished(stage, null);
                finishJob(job);
            }
        } else {
            ShuffleMapStage mapStage = (ShuffleMapStage) stage;
            MapStatus status = (MapStatus) services.results().fromBytes(result.value(), services.classLoader());
            int shuffleId = mapStage.dependency().shuffleId();
            if (succeededMapPartitions.computeIfAbsent(shuffleId, s -> new HashSet<>()).add(attempt.partition())) {
                services.accumulators().merge(result.accumulatorUpdates());
            }
            services.tracker().registerMapOutput(shuffleId, status);
            services.shuffleRecovery().mapOutputRegistered(shuffleId, status);
            stage.pendingPartitions.remove(attempt.partition());
            if (running.contains(stage) && stage.pendingPartitions.isEmpty()
                    && stage.latestAttempt() == attempt.stageAttempt()) {
                if (mapStage.isAvailable()) {
                    stageFinished(stage, null);
                    submitWaitingChildren();
                } else {
                    LOG.info("{} finished but some map outputs were lost meanwhile; resubmitting", stage);
                    stageFinished(stage, "some of its map outputs were lost meanwhile");
                    submitStage(stage);
                }
            }
        }
    }

    private void handleFetchFailed(TaskAttemptId attempt, ExecutorId executor, TaskFailure failure) {
        Stage stage = stages.get(attempt.stageId());
        TaskFailure.FetchFailure fetch = failure.fetchFailure();
        if (stage == null || fetch == null) {
            return;
        }
        ShuffleMapStage mapStage = shuffleStages.get(fetch.shuffleId());
        LOG.warn("{} could not fetch map output {} of shuffle {} from {}; recomputing it", attempt,
                fetch.mapPartition(), fetch.shuffleId(), fetch.location());
        if (running.remove(stage)) {
            stage.failedAttempts++;
            taskScheduler.cancelStage(stage.id(), "fetch failure in " + stage);
            services.bus().post(new SchedulerEvent.StageCompleted(now(), stage.id(), stage.latestAttempt(),
                    stage.name(), "fetch failure: " + failure.describe()));
        }
        if (stage.failedAttempts >= MAX_CONSECUTIVE_STAGE_ATTEMPTS) {
            abortStage(stage, stage + " failed " + stage.failedAttempts + " consecutive times on fetch failures; "
                    + "most recent: " + failure.describe());
            return;
        }
        // An executor that failed to serve one output of this shuffle is not trusted with the others (a lost
        // disk or a dead block server rarely takes a single file), so they are all rerun in one round rather
        // than one per reduce-stage attempt. mapPartition < 0 means the task could not even learn where the
        // outputs are; the map stage is resubmitted anyway and reruns whatever the tracker no longer has.
        if (fetch.mapPartition() >= 0) {
            if (services.shuffleService()) {
                // The node's shuffle service failed to serve it: every output on that node is suspect.
                var lost = services.tracker().removeOutputsServedWith(new ExecutorId(fetch.location()));
                lost.forEach(succeededMapPartitions::remove);
            } else {
                services.tracker().removeShuffleOutputsOnExecutor(fetch.shuffleId(),
                        new ExecutorId(fetch.location()));
            }
        }
        if (mapStage != null) {
            var done = succeededMapPartitions.get(fetch.shuffleId());
            if (done != null) {
                done.removeAll(services.tracker().missingMapPartitions(fetch.shuffleId()));
            }
            failed.add(mapStage);
        }
        failed.add(stage);
        if (!resubmitScheduled) {
            resubmitScheduled = true;
            Runnable resubmit = () -> {
                resubmitScheduled = false;
                List<Stage> again = new ArrayList<>(failed);
                failed.clear();
                again.sort((a, b) -> Integer.compare(a.id(), b.id()));
                again.forEach(this::submitStage);
            };
            try {
                timer.schedule(() -> {
                    if (!loop.post(guarded(resubmit))) {
                        LOG.debug("DAG scheduler stopped; no stage resubmission");
                    }
                }, RESUBMIT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("DAG scheduler stopped; no stage resubmission");
            }
        }
    }

    private void submitWaitingChildren() {
        for (Stage stage : new ArrayList<>(waiting)) {
            boolean ready = stage.parents().stream()
                    .allMatch(p -> !(p instanceof ShuffleMapStage map) || map.isAvailable());
            if (ready) {
                waiting.remove(stage);
                submitStage(stage);
            }
        }
    }

    private void stageFinished(Stage stage, String failure) {
        running.remove(stage);
        if (failure == null) {
            stage.failedAttempts = 0;
            LOG.info("{} finished", stage);
        }
        services.bus().post(new SchedulerEvent.StageCompleted(now(), stage.id(), stage.latestAttempt(), stage.name(),
                failure));
    }

    private void abortStage(Stage stage, String reason) {
        abortStage(stage, reason, null);
    }

    private void abortStage(Stage stage, String reason, Throwable cause) {
        LOG.error("Aborting {}: {}", stage, reason);
        if (running.contains(stage)) {
            stageFinished(stage, reason);
        }
        for (ActiveJob job : new ArrayList<>(jobs.values())) {
            if (dependsOn(job.finalStage(), stage)) {
                failJob(job, new SpindleException(ErrorCode.USER_CODE_FAILED, "Job " + job.id() + " aborted: "
                        + reason, cause));
            }
        }
    }

    private boolean dependsOn(Stage stage, Stage target) {
        return stage == target || stage.parents().stream().anyMatch(p -> dependsOn(p, target));
    }

    private void finishJob(ActiveJob job) {
        LOG.info("Job {} finished", job.id());
        cleanUp(job);
        services.bus().post(new SchedulerEvent.JobFinished(now(), job.id(), true, null));
        job.future().complete(null);
    }

    private void failJob(ActiveJob job, SpindleException error) {
        if (!jobs.containsKey(job.id())) {
            return;
        }
        cleanUp(job);
        services.bus().post(new SchedulerEvent.JobFinished(now(), job.id(), false, error.getMessage()));
        job.future().completeExceptionally(error);
    }

    /** Forgets the job and every stage no other job needs (map stages stay known for shuffle reuse). */
    private void cleanUp(ActiveJob job) {
        jobs.remove(job.id());
        for (Stage stage : new ArrayList<>(stages.values())) {
            if (stage.jobIds().remove(job.id()) && stage.jobIds().isEmpty()) {
                if (running.remove(stage)) {
                    taskScheduler.cancelStage(stage.id(), job + " ended");
                    services.bus().post(new SchedulerEvent.StageCompleted(now(), stage.id(), stage.latestAttempt(),
                            stage.name(), "cancelled: " + job + " ended"));
                }
                waiting.remove(stage);
                failed.remove(stage);
                stages.remove(stage.id());
                // Its output stays in the tracker for later jobs, which make a new stage for it; the stage, and the
                // lineage it holds, are not kept, so the shuffle can be cleaned up once no dataset reaches it.
                if (stage instanceof ShuffleMapStage map) {
                    shuffleStages.remove(map.dependency().shuffleId(), map);
                }
            }
        }
    }

    /**
     * Forgets shuffle {@code shuffleId}, which no dataset can reach any more (the driver's cleaner saw its dependency
     * collected): its map output locations and what recovery journaled of it. The caller deletes the files.
     */
    public void removeShuffle(int shuffleId) {
        post(() -> {
            if (shuffleStages.containsKey(shuffleId)) {
                LOG.warn("Not removing shuffle {}: a running job still uses it", shuffleId);
                return;
            }
            services.tracker().unregisterShuffle(shuffleId);
            succeededMapPartitions.remove(shuffleId);
            services.shuffleRecovery().shuffleRemoved(shuffleId);
        });
    }

    /** Shuffles whose state the scheduler and the map output tracker hold now (for leak checks in tests). */
    public int shuffleState() {
        CompletableFuture<Integer> size = new CompletableFuture<>();
        post(() -> size.complete(Math.max(services.tracker().shuffleCount(), succeededMapPartitions.size())
                + shuffleStages.size()));
        return size.join();
    }

    /** Active jobs + waiting, running and failed stages: 0 when idle (leak check for tests). */
    public int activeState() {
        CompletableFuture<Integer> size = new CompletableFuture<>();
        post(() -> size.complete(jobs.size() + waiting.size() + running.size() + failed.size()));
        return size.join() + taskScheduler.activeTaskSets();
    }

    private long now() {
        return services.clock().millis();
    }

    private void post(Runnable event) {
        if (!loop.post(guarded(event))) {
            throw closedError();
        }
    }

    private void postLazily(Runnable event) {
        if (!loop.postLazily(guarded(event))) {
            throw closedError();
        }
    }

    private static SpindleException closedError() {
        return new SpindleException(ErrorCode.CANCELLED, "the context is closed; create a new one to run jobs");
    }

    /**
     * {@code event}, failing every job if it throws (an Error too, such as a stack overflow walking a very deep
     * lineage): the scheduler's state can no longer be trusted, and a caller waiting on a job must not wait forever.
     */
    private Runnable guarded(Runnable event) {
        return () -> {
            try {
                event.run();
            } catch (RuntimeException | Error e) {
                LOG.error("DAG scheduler event failed; failing all jobs", e);
                for (ActiveJob job : new ArrayList<>(jobs.values())) {
                    failJob(job, new SpindleException(ErrorCode.INTERNAL, "internal scheduler error: " + e, e));
                }
            }
        };
    }

    @Override
    public void close() {
        cancelAllJobs("the context was closed");
        timer.shutdownNow();
        loop.close();
        taskScheduler.close();
    }
}
