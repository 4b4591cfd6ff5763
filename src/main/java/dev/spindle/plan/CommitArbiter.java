package dev.spindle.plan;

import dev.spindle.common.TaskAttemptId;

/**
 * Decides which attempt of a partition may commit its output: the driver's output-commit coordinator, reached
 * directly by executors in the driver's JVM and over RPC by executor processes. The first attempt of a partition to
 * ask in a stage attempt is allowed; every other is denied, until the allowed one fails.
 */
@FunctionalInterface
public interface CommitArbiter {
    /** True when {@code attempt} may commit; the answer is final for that attempt. */
    boolean canCommit(TaskAttemptId attempt);
}
