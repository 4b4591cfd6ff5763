package dev.spindle.plan;

import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;

/**
 * What a running task computes against. The executor implements it; nodes, sources and user code
 * (through {@link ActiveTask#current()}) use it. Not serializable: it exists on the executor only.
 */
public interface TaskContext {
    TaskAttemptId attemptId();

    /** The executor's host name, for sources that prefer local reads. */
    String host();

    SpindleConf conf();

    TaskMetrics metrics();

    /** The cache of persisted partitions. */
    BlockCache blocks();

    /** Reads the output of a parent shuffle stage. */
    ShuffleInput shuffle();

    /** The value of broadcast {@code id}, fetched once per executor. */
    Object broadcastValue(long id);

    /** Registers an executor-side accumulator copy whose value is sent back with the task result. */
    void registerAccumulator(Accumulator<?, ?> accumulator);

    /** Runs {@code listener} when the task ends, success or not (close readers, delete temp files). */
    void onCompletion(Runnable listener);

    /**
     * Asks the driver whether this attempt may commit its output (see {@link CommitArbiter}); an attempt that is
     * denied discards what it wrote.
     */
    boolean canCommit();

    /** True once the task has been asked to stop (killed, or its job cancelled). */
    boolean isKilled();
}
