package dev.spindle.scheduler.spi;

import dev.spindle.common.ExecutorId;
import java.util.List;

/**
 * How executors are obtained and reached: the only part that differs between local mode, executor
 * processes and YARN. The task scheduler decides what runs where; the backend carries it out and reports
 * executors and task status back through {@link BackendCallbacks}.
 */
public interface SchedulerBackend extends AutoCloseable {
    /** Starts the backend; from now on it reports executors and task status to {@code callbacks}. */
    void start(BackendCallbacks callbacks);

    /** Partitions to use when a program names none: the total executor cores, at least 2. */
    int defaultParallelism();

    /** Sends each task to its executor. Called from the task scheduler's thread; must not block long. */
    void launchTasks(List<TaskLaunch> launches);

    /**
     * Whether a task sent ahead of a free core pays: the executor queues it and starts it the moment a core frees,
     * with no round trip to the driver in between (executors in processes of their own). False by default: an
     * in-process backend starts the next task on the finishing thread anyway.
     */
    default boolean queuesTasks() {
        return false;
    }

    /**
     * Whether the tasks run in the driver's own JVM (local mode), whose heap their work then churns: the driver
     * collects often enough by itself for unreachable shuffles to be cleaned up as it goes. False by default.
     */
    default boolean runsTasksInDriverJvm() {
        return false;
    }

    /** Asks the executor running {@code taskId} to stop it; a KILLED status follows. */
    void killTask(long taskId, ExecutorId executor, String reason);

    /** Drops the cached partitions of lineage node {@code nodeId} on every executor (unpersist). */
    void removeCachedBlocks(int nodeId);

    /** Deletes the map output of shuffle {@code shuffleId} on every executor: no dataset can read it any more. */
    default void removeShuffle(int shuffleId) {
    }

    /** Drops broadcast value {@code id} from every executor: no task will read it any more. */
    default void removeBroadcast(long id) {
    }

    /**
     * Asks for this many executors in total (dynamic allocation): more are started when fewer run, requests not yet
     * granted are withdrawn when more are asked for than this; running executors above it stay until released.
     * False when the backend cannot change its executors.
     */
    default boolean requestTotalExecutors(int total) {
        return false;
    }

    /**
     * The most executors the cluster could give the application now, those running included; for dynamic
     * allocation not to ask for more than the queue can hold. {@link Integer#MAX_VALUE} when it does not say.
     */
    default int executorLimit() {
        return Integer.MAX_VALUE;
    }

    /**
     * Ends an executor the scheduler no longer offers tasks to and that runs none (dynamic allocation releases it):
     * it stops by itself, its resources go back to the cluster, and its end counts as no failure. The scheduler has
     * already forgotten it, so the backend reports no loss for it.
     */
    default void releaseExecutor(ExecutorId executor, String reason) {
    }

    /**
     * Where the tasks waiting to launch would like to run: preferred host to number of such tasks, after each
     * new task set. A backend that obtains executors (YARN) asks for them there; the others ignore it.
     */
    default void pendingTasksByHost(java.util.Map<String, Integer> tasksPerHost) {
    }

    /** Stops every executor this backend started and releases its resources. */
    @Override
    void close();
}
