package dev.spindle.scheduler.task;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.Clock;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.common.SerialEvents;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.TaskDescription;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.scheduler.spi.BackendCallbacks;
import dev.spindle.scheduler.spi.SchedulerBackend;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Places tasks on executor slots. Task sets from the DAG scheduler, status updates and executor changes from the
 * backend are serial events ({@link SerialEvents}: run one at a time, on the reporting thread when none runs),
 * and after each it fills free slots (task sets in job, then stage order; node-local first). Reports outcomes to
 * a {@link TaskSetListener}. Events run on the caller's thread because a task's end is the moment its slot can
 * take the next one: in local mode the finishing task thread launches it and runs it next, with no thread
 * hand-off in between (a warm job of 10 tiny tasks in local[2] went from 1.40 ms to 0.74 ms, median of 3,000).
 */
public final class TaskScheduler implements BackendCallbacks, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(TaskScheduler.class);
    /**
     * Short tasks queued ahead per busy core. A round trip to an executor process takes about 150 µs on 2 cores, many
     * times a tiny task: with 1 queued per core a stage of 10,000 one-element tasks ran at 24,000 tasks/s in
     * local-cluster[2,1], with 4 at 40,000/s, with 8 at 50,000/s (warm JVMs); 4 keeps what one core holds back from
     * the others to 4 short tasks.
     */
    static final int QUEUED_AHEAD_PER_CORE = 4;

    /** Scheduler settings. */
    /**
     * @param firstTaskId the first task id this scheduler hands out: each ApplicationMaster attempt starts its own
     *     range, so that a map output an executor kept from an earlier attempt (its files named by task id) is never
     *     overwritten by a task of a later one
     * @param queueAheadMillis {@code spindle.task.queueAhead.maxDuration}: on a backend that {@link
     *     SchedulerBackend#queuesTasks() queues tasks}, each core of an executor gets more tasks of a set whose tasks
     *     are short ({@link TaskSetManager#tasksAreShort()}); 0 turns this off
     */
    public record Settings(int maxFailures, long localityWaitMillis, long firstTaskId, String maxFailuresSetting,
            long queueAheadMillis) {
        public Settings(int maxFailures, long localityWaitMillis) {
            this(maxFailures, localityWaitMillis, 0, "spindle.task.maxFailures=" + maxFailures, 0);
        }
    }

    /** {@code free[0]}: cores without a task; below 0 by the tasks queued ahead on busy cores. */
    private record ExecutorSlots(ExecutorId id, String host, int cores, int[] free) {
    }

    private record RunningTask(TaskSetManager manager, TaskAttemptId attempt, ExecutorId executor) {
    }

    private final SchedulerBackend backend;
    private final TaskSetListener listener;
    private final Settings settings;
    /** {@link Settings#queueAheadMillis()} where the backend queues tasks, else 0: looked up once. */
    private final long queueAheadMillis;
    private final Clock clock;
    private final SerialEvents events = new SerialEvents(e -> LOG.error("Task scheduler event failed", e));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("spindle-task-scheduler-timer", true));

    // State below is touched only by events.
    private final Map<ExecutorId, ExecutorSlots> executors = new LinkedHashMap<>();
    private final List<TaskSetManager> taskSets = new ArrayList<>();
    private final Map<Long, RunningTask> running = new HashMap<>();
    private long nextTaskId;
    private String backendFailure;
    private boolean localityTimerArmed;

    public TaskScheduler(SchedulerBackend backend, TaskSetListener listener, Settings settings, Clock clock) {
        this.backend = requireNonNull(backend, "backend is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.queueAheadMillis = backend.queuesTasks() ? settings.queueAheadMillis() : 0;
        this.nextTaskId = settings.firstTaskId();
    }

    /** Starts the backend, which begins reporting executors. */
    public void start() {
        backend.start(this);
    }

    public int defaultParallelism() {
        return backend.defaultParallelism();
    }

    public void submit(TaskSet taskSet) {
        post(() -> {
            if (backendFailure != null) {
                listener.taskSetFailed(taskSet.stageId(), taskSet.stageAttempt(), backendFailure, null);
                return;
            }
            taskSets.add(new TaskSetManager(taskSet, settings.maxFailures(), settings.maxFailuresSetting(),
                    settings.localityWaitMillis(), queueAheadMillis,
                    () -> nextTaskId++, clock.millis()));
            taskSets.sort(Comparator.comparingInt((TaskSetManager m) -> m.taskSet().jobId())
                    .thenComparingInt(TaskSetManager::stageId));
            LOG.debug("Submitted {}", taskSet);
            Map<String, Integer> pendingByHost = new HashMap<>();
            taskSets.forEach(manager -> manager.countPendingByHost(pendingByHost));
            backend.pendingTasksByHost(pendingByHost);
            assign();
        });
    }

    /** Stops launching tasks of the stage's attempts and kills their running attempts. */
    public void cancelStage(int stageId, String reason) {
        post(() -> {
            for (TaskSetManager manager : taskSets) {
                if (manager.stageId() == stageId) {
                    manager.markZombie();
                }
            }
            for (RunningTask task : running.values()) {
                if (task.attempt().stageId() == stageId) {
                    backend.killTask(task.attempt().taskId(), task.executor(), reason);
                }
            }
            taskSets.removeIf(TaskSetManager::isFinished);
        });
    }

    @Override
    public void executorAdded(ExecutorId executor, String host, int cores, long maxMemoryBytes,
            Map<String, String> logUrls) {
        post(() -> {
            executors.put(executor, new ExecutorSlots(executor, host, cores, new int[] {cores}));
            LOG.info("Executor {} on {} with {} cores registered", executor.id(), host, cores);
            listener.executorAdded(executor, host, cores, maxMemoryBytes, logUrls);
            assign();
        });
    }

    @Override
    public void executorLost(ExecutorId executor, String reason) {
        post(() -> {
            if (executors.remove(executor) == null) {
                return;
            }
            LOG.warn("Lost executor {}: {}", executor.id(), reason);
            for (RunningTask task : new ArrayList<>(running.values())) {
                if (task.executor().equals(executor)) {
                    finish(TaskStatus.failed(task.attempt().taskId(), executor, TaskState.LOST,
                            TaskFailure.simple(TaskFailure.Reason.EXECUTOR_LOST, "executor " + executor.id()
                                    + " lost: " + reason)));
                }
            }
            listener.executorLost(executor, reason);
            assign();
        });
    }

    /**
     * Releases each of {@code executors} (with its reason) that runs no task now, in one scheduler event: no task can
     * be launched on it between the check and its release, and a busy executor is left alone. A released executor
     * gets no more tasks; the backend ends it; the listener hears of its removal, not of a failure.
     */
    public void releaseIfIdle(Map<ExecutorId, String> executors) {
        post(() -> {
            for (Map.Entry<ExecutorId, String> entry : executors.entrySet()) {
                ExecutorSlots slots = this.executors.get(entry.getKey());
                if (slots == null) {
                    continue;
                }
                if (slots.free()[0] != slots.cores()) {
                    LOG.info("Not releasing executor {}: it runs {} task(s) now", entry.getKey().id(),
                            slots.cores() - slots.free()[0]);
                    continue;
                }
                this.executors.remove(entry.getKey());
                backend.releaseExecutor(entry.getKey(), entry.getValue());
                listener.executorLost(entry.getKey(), entry.getValue());
            }
        });
    }

    @Override
    public void backendFailed(String reason) {
        post(() -> {
            if (backendFailure != null) {
                return;
            }
            backendFailure = reason;
            LOG.error("The scheduler backend failed: {}", reason);
            for (TaskSetManager manager : new ArrayList<>(taskSets)) {
                manager.markZombie();
                killRunning(manager, reason);
                listener.taskSetFailed(manager.stageId(), manager.taskSet().stageAttempt(), reason, null);
            }
            taskSets.clear();
        });
    }

    @Override
    public void statusUpdate(TaskStatus status) {
        if (status.state() == TaskState.RUNNING) {
            return;
        }
        post(() -> {
            finish(status);
            assign();
        });
    }

    private void finish(TaskStatus status) {
        RunningTask task = running.remove(status.taskId());
        if (task == null) {
            LOG.debug("Ignoring status {} of unknown task {}", status.state(), status.taskId());
            return;
        }
        ExecutorSlots slots = executors.get(task.executor());
        if (slots != null) {
            slots.free()[0]++;
        }
        TaskSetManager manager = task.manager();
        if (status.state() == TaskState.FINISHED) {
            if (manager.succeeded(task.attempt(), status.result().metrics().durationMillis())) {
                listener.taskSucceeded(task.attempt(), task.executor(), status.result(),
                        manager.isFinished() || manager.isZombie());
            }
        } else {
            Optional<String> abort = manager.failed(task.attempt(), task.executor(), status.failure());
            listener.taskFailed(task.attempt(), task.executor(), status.failure());
            abort.ifPresent(reason -> {
                killRunning(manager, "stage " + manager.stageId() + " aborted");
                listener.taskSetFailed(manager.stageId(), manager.taskSet().stageAttempt(), reason,
                        status.failure());
            });
        }
        if (manager.isFinished()) {
            taskSets.remove(manager);
        }
    }

    private void killRunning(TaskSetManager manager, String reason) {
        for (RunningTask task : running.values()) {
            if (task.manager() == manager) {
                backend.killTask(task.attempt().taskId(), task.executor(), reason);
            }
        }
    }

    /**
     * Fills free slots, executor by executor, task set by task set; then, where tasks are short and the backend
     * queues them, gives each busy core a few more tasks to start one after the other. Free cores come first: a task is
     * queued behind another only when no executor has a free core for it.
     */
    private void assign() {
        if (taskSets.isEmpty()) {
            return;
        }
        long now = clock.millis();
        Set<String> liveHosts = new HashSet<>();
        executors.values().forEach(e -> liveHosts.add(e.host()));
        List<TaskLaunch> launches = new ArrayList<>();
        fill(launches, false, liveHosts, now);
        if (queueAheadMillis > 0) {
            fill(launches, true, liveHosts, now);
        }
        if (!launches.isEmpty()) {
            backend.launchTasks(launches);
        }
        armLocalityTimer(now);
    }

    /**
     * Launches tasks on free cores, one task per executor per round so that tasks spread across executors; with
     * {@code ahead}, on busy cores instead: up to {@link #QUEUED_AHEAD_PER_CORE} more per core, of sets whose tasks
     * are short.
     */
    private void fill(List<TaskLaunch> launches, boolean ahead, Set<String> liveHosts, long now) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (ExecutorSlots slots : executors.values()) {
                if (slots.free()[0] <= (ahead ? -slots.cores() * QUEUED_AHEAD_PER_CORE : 0)) {
                    continue;
                }
                for (TaskSetManager manager : taskSets) {
                    if (ahead && !manager.tasksAreShort()) {
                        continue;
                    }
                    Optional<TaskDescription> task = manager.offer(slots.id(), slots.host(), liveHosts, executors.keySet(), now);
                    if (task.isPresent()) {
                        TaskDescription description = task.get();
                        slots.free()[0]--;
                        running.put(description.taskId(), new RunningTask(manager, description.attemptId(), slots.id()));
                        launches.add(new TaskLaunch(slots.id(), description));
                        listener.taskStarted(description.attemptId(), slots.id(), slots.host(),
                                manager.locality(description.attemptId(), slots.id(), slots.host()));
                        progress = true;
                        break;
                    }
                }
            }
        }
    }

    private void armLocalityTimer(long now) {
        if (localityTimerArmed) {
            return;
        }
        long deadline = Long.MAX_VALUE;
        for (TaskSetManager manager : taskSets) {
            if (manager.waitingForLocality()) {
                deadline = Math.min(deadline, manager.localityDeadline());
            }
        }
        if (deadline != Long.MAX_VALUE) {
            localityTimerArmed = true;
            try {
                timer.schedule(() -> post(() -> {
                    localityTimerArmed = false;
                    assign();
                }), Math.max(1, deadline - now), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("Task scheduler stopped; no locality timer");
            }
        }
    }

    private void post(Runnable event) {
        if (!events.post(event)) {
            LOG.debug("Task scheduler stopped; dropping event");
        }
    }

    /** Number of task sets and running tasks: both 0 when idle (for leak checks in tests); -1 once closed. */
    public int activeTaskSets() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        if (!events.post(() -> count.complete(taskSets.size() + running.size()))) {
            return -1;
        }
        return count.join();
    }

    @Override
    public void close() {
        events.close();
        timer.shutdownNow();
        backend.close();
    }
}
