package dev.spindle.scheduler.spi;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the schedulers tell listeners (console progress bar, UI, event log). Past-tense records,
 * posted from the scheduler threads; listeners must not block.
 */
public sealed interface SchedulerEvent {
    /** Milliseconds since the epoch when the event happened. */
    long time();

    /**
     * The driver of one ApplicationMaster attempt (or of a local application) started.
     *
     * @param attempt the ApplicationMaster attempt, from 1; 1 in local modes
     * @param conf the application's resolved configuration, sorted by key
     * @param runtime what the driver runs on (Java's version and home, Spindle's and Hadoop's versions), sorted by
     *     key; empty in event logs written before it was recorded
     */
    record ApplicationStarted(long time, String appId, int attempt, String appName, String user,
            Map<String, String> conf, Map<String, String> runtime) implements SchedulerEvent {
        public ApplicationStarted {
            requireNonNull(appId, "appId is null");
            requireNonNull(appName, "appName is null");
            requireNonNull(user, "user is null");
            conf = Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(requireNonNull(conf, "conf is null"))));
            runtime = Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(requireNonNull(runtime,
                    "runtime is null"))));
        }
    }

    /**
     * The application ended in this attempt.
     *
     * @param status the final status as YARN names it (SUCCEEDED, FAILED, KILLED)
     * @param diagnostics why it failed; empty when it succeeded
     */
    record ApplicationEnded(long time, String status, String diagnostics) implements SchedulerEvent {
        public ApplicationEnded {
            requireNonNull(status, "status is null");
            requireNonNull(diagnostics, "diagnostics is null");
        }
    }

    record JobStarted(long time, int jobId, String description, java.util.List<Integer> stageIds)
            implements SchedulerEvent {
    }

    /** {@code failure} is null when the job succeeded. */
    record JobFinished(long time, int jobId, boolean succeeded, String failure) implements SchedulerEvent {
    }

    /**
     * A stage attempt was submitted with its missing tasks.
     *
     * @param shuffleId the shuffle a map stage writes; -1 for a result stage (and in event logs written before it
     *     was recorded)
     */
    record StageSubmitted(long time, int stageId, int attempt, String name, int numTasks, int jobId, int shuffleId)
            implements SchedulerEvent {
        /** A result stage's submission. */
        public StageSubmitted(long time, int stageId, int attempt, String name, int numTasks, int jobId) {
            this(time, stageId, attempt, name, numTasks, jobId, -1);
        }
    }

    /** {@code failure} is null when every task of the stage attempt succeeded. */
    record StageCompleted(long time, int stageId, int attempt, String name, String failure)
            implements SchedulerEvent {
    }

    /**
     * A task attempt was launched.
     *
     * @param locality how close to its input it runs: PROCESS_LOCAL, NODE_LOCAL, NO_PREF or ANY; null when not
     *     known (event logs written before it was recorded)
     */
    record TaskStarted(long time, int stageId, int stageAttempt, long taskId, int partition, int attempt,
            ExecutorId executor, String host, String locality) implements SchedulerEvent {
        /** A launch of unknown locality. */
        public TaskStarted(long time, int stageId, int stageAttempt, long taskId, int partition, int attempt,
                ExecutorId executor, String host) {
            this(time, stageId, stageAttempt, taskId, partition, attempt, executor, host, null);
        }
    }

    /** {@code failure} is null when the task succeeded; {@code metrics} may be null for lost tasks. */
    record TaskEnded(long time, int stageId, int stageAttempt, long taskId, int partition, int attempt,
            ExecutorId executor, TaskMetrics metrics, TaskFailure failure) implements SchedulerEvent {
    }

    /**
     * An executor registered.
     *
     * @param maxMemoryBytes the executor JVM's maximum heap; 0 when unknown
     * @param logUrls links to the executor's logs by name (YARN: {@code stdout}, {@code stderr} on the NodeManager's
     *     page); empty when the backend has none
     */
    record ExecutorAdded(long time, ExecutorId executor, String host, int cores, long maxMemoryBytes,
            Map<String, String> logUrls) implements SchedulerEvent {
        public ExecutorAdded {
            requireNonNull(executor, "executor is null");
            requireNonNull(host, "host is null");
            logUrls = Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(requireNonNull(logUrls, "logUrls is null"))));
        }

        /** An executor of unknown memory and without log links. */
        public ExecutorAdded(long time, ExecutorId executor, String host, int cores) {
            this(time, executor, host, cores, 0, Map.of());
        }
    }

    record ExecutorRemoved(long time, ExecutorId executor, String reason) implements SchedulerEvent {
    }

    /**
     * A cached partition of dataset {@code nodeId} was stored on, or removed from ({@code memoryBytes} and
     * {@code diskBytes} both 0), an executor.
     *
     * @param datasetName the dataset's operation and call site; empty when unknown
     * @param numPartitions the dataset's partition count; 0 when unknown
     */
    record BlockUpdated(long time, ExecutorId executor, int nodeId, int partition, long memoryBytes, long diskBytes,
            String datasetName, int numPartitions) implements SchedulerEvent {
        public BlockUpdated {
            requireNonNull(executor, "executor is null");
            requireNonNull(datasetName, "datasetName is null");
        }

        /** A change to a partition of a dataset of unknown name and size. */
        public BlockUpdated(long time, ExecutorId executor, int nodeId, int partition, long memoryBytes,
                long diskBytes) {
            this(time, executor, nodeId, partition, memoryBytes, diskBytes, "", 0);
        }

        public boolean removed() {
            return memoryBytes == 0 && diskBytes == 0;
        }
    }
}
