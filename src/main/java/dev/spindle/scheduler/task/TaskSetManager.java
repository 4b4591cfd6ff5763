package dev.spindle.scheduler.task;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.TaskDescription;
import dev.spindle.plan.TaskFailure;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Tracks the tasks of one stage attempt: which are pending, running, done; picks a task for a free slot,
 * preferring tasks whose input is on that host (delay scheduling, up to the locality wait); counts failures
 * per task against {@code spindle.task.maxFailures}. A task whose attempt failed on an executor is retried on
 * another one while one is alive (as Spark does): the failure may be the executor's (a full local disk, a bad
 * node), and the same executor is used again only when no other is left, so local mode still retries.
 * Confined to the task scheduler's thread.
 */
final class TaskSetManager {
    /** Finished attempts it takes before a set's tasks may count as short (see {@link #tasksAreShort()}). */
    static final int SHORT_TASK_SAMPLES = 4;
    private final TaskSet taskSet;
    private final int maxFailures;
    /** Names the setting behind {@link #maxFailures} in the message of a task that used every attempt. */
    private final String maxFailuresSetting;
    private final long localityWaitMillis;
    private final LongSupplier taskIds;

    private final Map<ExecutorId, ArrayDeque<Integer>> pendingByExecutor = new HashMap<>();
    private final Map<String, ArrayDeque<Integer>> pendingByHost = new HashMap<>();
    private final ArrayDeque<Integer> pendingNoPrefs = new ArrayDeque<>();
    private final ArrayDeque<Integer> pendingWithPrefs = new ArrayDeque<>();
    private final Map<Integer, Integer> indexByPartition = new HashMap<>();
    private final boolean[] queued;
    private final boolean[] succeeded;
    private final int[] running;
    private final int[] failures;
    private final int[] attempts;
    /** Per task, the executors where an attempt of it failed: avoided while another executor is alive. */
    private final Map<Integer, Set<ExecutorId>> failedOn = new HashMap<>();
    private int succeededCount;
    private int runningCount;
    /** Queue-ahead limit: finished attempts that ran at most this long count as short; -1 when it is off. */
    private final long shortTaskMillis;
    /** Finished attempts that ran at most {@link #shortTaskMillis}, and those that ran longer. */
    private int shortTasks;
    private int longTasks;
    private boolean zombie;
    private long lastLocalLaunchMillis;

    /** @param queueAheadMillis see {@link #tasksAreShort()}; 0 turns queueing ahead off */
    TaskSetManager(TaskSet taskSet, int maxFailures, String maxFailuresSetting, long localityWaitMillis,
            long queueAheadMillis, LongSupplier taskIds, long nowMillis) {
        this.taskSet = taskSet;
        this.shortTaskMillis = queueAheadMillis > 0 ? queueAheadMillis : -1;
        this.maxFailures = maxFailures;
        this.maxFailuresSetting = maxFailuresSetting;
        this.localityWaitMillis = localityWaitMillis;
        this.taskIds = taskIds;
        int n = taskSet.tasks().size();
        this.queued = new boolean[n];
        this.succeeded = new boolean[n];
        this.running = new int[n];
        this.failures = new int[n];
        this.attempts = new int[n];
        this.lastLocalLaunchMillis = nowMillis;
        for (int i = 0; i < n; i++) {
            indexByPartition.put(taskSet.tasks().get(i).partition(), i);
            enqueue(i);
        }
    }

    TaskSet taskSet() {
        return taskSet;
    }

    int stageId() {
        return taskSet.stageId();
    }

    boolean isZombie() {
        return zombie;
    }

    /** No more launches; running attempts finish or get killed. */
    void markZombie() {
        zombie = true;
    }

    boolean isFinished() {
        return succeededCount == taskSet.tasks().size() || (zombie && runningCount == 0);
    }

    /** Adds, per preferred host, the tasks of this set still waiting to launch. */
    void countPendingByHost(Map<String, Integer> counts) {
        if (zombie) {
            return;
        }
        for (int i = 0; i < queued.length; i++) {
            if (queued[i]) {
                for (String host : taskSet.tasks().get(i).preferredHosts()) {
                    counts.merge(host, 1, Integer::sum);
                }
            }
        }
    }

    int runningCount() {
        return runningCount;
    }

    private void enqueue(int index) {
        queued[index] = true;
        TaskSet.PendingTask task = taskSet.tasks().get(index);
        if (!task.preferredExecutors().isEmpty()) {
            // Not queued by host: another executor on the same host has not got the cached input either.
            for (ExecutorId executor : task.preferredExecutors()) {
                pendingByExecutor.computeIfAbsent(executor, e -> new ArrayDeque<>()).add(index);
            }
            pendingWithPrefs.add(index);
            return;
        }
        var prefs = task.preferredHosts();
        if (prefs.isEmpty()) {
            pendingNoPrefs.add(index);
        } else {
            for (String host : prefs) {
                pendingByHost.computeIfAbsent(host, h -> new ArrayDeque<>()).add(index);
            }
            pendingWithPrefs.add(index);
        }
    }

    /**
     * A task to run on {@code executor} at {@code host}, if one may run there now: a task whose input this executor
     * caches; else one preferring this host; else one with no preference; else, once the locality wait has passed
     * (or its hosts have no executor), any task.
     */
    Optional<TaskDescription> offer(ExecutorId executor, String host, Set<String> liveHosts,
            Set<ExecutorId> liveExecutors, long nowMillis) {
        if (zombie) {
            return Optional.empty();
        }
        Integer index = poll(pendingByExecutor.get(executor), executor, liveExecutors);
        if (index == null) {
            index = poll(pendingByHost.get(host), executor, liveExecutors);
        }
        if (index != null) {
            lastLocalLaunchMillis = nowMillis;
        } else {
            index = poll(pendingNoPrefs, executor, liveExecutors);
        }
        if (index == null) {
            boolean waitOver = nowMillis - lastLocalLaunchMillis >= localityWaitMillis;
            index = waitOver ? poll(pendingWithPrefs, executor, liveExecutors)
                    : pollUnreachable(liveHosts, executor, liveExecutors);
        }
        return index == null ? Optional.empty() : Optional.of(launch(index));
    }

    /** True when some pending task waits for a preferred host; the scheduler re-offers after the wait. */
    boolean waitingForLocality() {
        if (zombie) {
            return false;
        }
        for (int i : pendingWithPrefs) {
            if (queued[i]) {
                return true;
            }
        }
        return false;
    }

    long localityDeadline() {
        return lastLocalLaunchMillis + localityWaitMillis;
    }

    /** The first task in {@code queue} still waiting that may run on {@code executor}; drops launched ones. */
    private Integer poll(ArrayDeque<Integer> queue, ExecutorId executor, Set<ExecutorId> liveExecutors) {
        if (queue == null) {
            return null;
        }
        for (var it = queue.iterator(); it.hasNext();) {
            int index = it.next();
            if (!queued[index]) {
                it.remove();
            } else if (!avoids(index, executor, liveExecutors)) {
                it.remove();
                return index;
            }
        }
        return null;
    }

    /** True when an attempt of the task failed on {@code executor} and some other live executor may take it. */
    private boolean avoids(int index, ExecutorId executor, Set<ExecutorId> liveExecutors) {
        Set<ExecutorId> failed = failedOn.get(index);
        if (failed == null || !failed.contains(executor)) {
            return false;
        }
        for (ExecutorId live : liveExecutors) {
            if (!failed.contains(live)) {
                return true;
            }
        }
        return false;
    }

    private Integer pollUnreachable(Set<String> liveHosts, ExecutorId executor, Set<ExecutorId> liveExecutors) {
        for (var it = pendingWithPrefs.iterator(); it.hasNext();) {
            int index = it.next();
            if (!queued[index]) {
                it.remove();
                continue;
            }
            if (avoids(index, executor, liveExecutors)) {
                continue;
            }
            TaskSet.PendingTask task = taskSet.tasks().get(index);
            boolean reachable = task.preferredExecutors().isEmpty()
                    ? task.preferredHosts().stream().anyMatch(liveHosts::contains)
                    : task.preferredExecutors().stream().anyMatch(liveExecutors::contains);
            if (!reachable) {
                it.remove();
                return index;
            }
        }
        return null;
    }

    private TaskDescription launch(int index) {
        queued[index] = false;
        running[index]++;
        runningCount++;
        TaskSet.PendingTask task = taskSet.tasks().get(index);
        TaskAttemptId id = new TaskAttemptId(taskIds.getAsLong(), taskSet.stageId(), taskSet.stageAttempt(),
                task.partition(), attempts[index]++);
        return new TaskDescription(id, taskSet.jobId(), taskSet.kind(), taskSet.taskBinary(), task.partitionBytes());
    }

    /**
     * How close to its input {@code attempt} runs on {@code executor} at {@code host}, as Spark names it:
     * PROCESS_LOCAL (the executor caches its input), NODE_LOCAL (its input is on the host), NO_PREF (no preference)
     * or ANY.
     */
    String locality(TaskAttemptId attempt, ExecutorId executor, String host) {
        TaskSet.PendingTask task = taskSet.tasks().get(indexOf(attempt));
        if (task.preferredExecutors().contains(executor)) {
            return "PROCESS_LOCAL";
        } else if (task.preferredHosts().contains(host)) {
            return "NODE_LOCAL";
        }
        return task.preferredExecutors().isEmpty() && task.preferredHosts().isEmpty() ? "NO_PREF" : "ANY";
    }

    private int indexOf(TaskAttemptId attempt) {
        Integer index = indexByPartition.get(attempt.partition());
        if (index == null) {
            throw new IllegalStateException("no task for partition " + attempt.partition() + " in " + taskSet);
        }
        return index;
    }

    /**
     * Whether this set's tasks are short enough to queue more on a busy core: more than half of at least
     * {@link #SHORT_TASK_SAMPLES} finished attempts ran no longer than the queue-ahead limit. A task waiting behind
     * another on its executor waits at most about that long, while another executor might have started it.
     */
    boolean tasksAreShort() {
        return shortTasks >= SHORT_TASK_SAMPLES && shortTasks > longTasks;
    }

    /** Records a success that ran {@code runMillis} on its executor; false when another attempt already succeeded. */
    boolean succeeded(TaskAttemptId attempt, long runMillis) {
        if (runMillis <= shortTaskMillis) {
            shortTasks++;
        } else {
            longTasks++;
        }
        int index = indexOf(attempt);
        running[index]--;
        runningCount--;
        if (succeeded[index]) {
            return false;
        }
        succeeded[index] = true;
        succeededCount++;
        return true;
    }

    /**
     * The failure's stack trace on lines of its own after the abort message, but none for Spindle's own errors
     * (corrupt input, a full disk, a line over the limit): their message names the problem and the fix, and their
     * trace stays in the job failure's chained cause, the executor's log and the event log.
     */
    private static String stackTraceLines(TaskFailure failure) {
        boolean spindleError = failure.exceptionClass().equals(SpindleException.class.getName());
        return spindleError || failure.stackTrace().isEmpty() ? "" : "\n" + failure.stackTrace();
    }

    /**
     * Records a failed attempt; re-queues the task unless it succeeded meanwhile. Returns the reason to abort
     * the whole task set when the task has now failed {@code maxFailures} times.
     */
    Optional<String> failed(TaskAttemptId attempt, ExecutorId executor, TaskFailure failure) {
        int index = indexOf(attempt);
        running[index]--;
        runningCount--;
        if (succeeded[index] || zombie) {
            return Optional.empty();
        }
        if (failure.reason() == TaskFailure.Reason.FETCH_FAILED) {
            markZombie(); // the DAG scheduler resubmits the parent stage and then this one
            return Optional.empty();
        }
        if (failure.reason() != TaskFailure.Reason.KILLED) { // a kill says nothing about the executor
            failedOn.computeIfAbsent(index, i -> new HashSet<>()).add(executor);
        }
        if (failure.countsTowardsFailures()) {
            failures[index]++;
            if (failures[index] >= maxFailures) {
                markZombie();
                return Optional.of("task " + attempt.partition() + " of stage " + taskSet.stageId() + "."
                        + taskSet.stageAttempt() + " failed " + failures[index] + " times (" + maxFailuresSetting
                        + "); most recent failure: " + attempt + " on " + executor + ": "
                        + failure.describe() + stackTraceLines(failure));
            }
        }
        if (!queued[index] && running[index] == 0) {
            enqueue(index);
        }
        return Optional.empty();
    }
}
