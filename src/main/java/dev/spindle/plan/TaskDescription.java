package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.TaskAttemptId;

/**
 * An instruction to run one task: its ids, the stage's serialized {@link TaskBinary} (shared by all tasks
 * of a stage attempt) and the serialized {@link Partition}. Never data: sources read their own input.
 */
public record TaskDescription(TaskAttemptId attemptId, int jobId, TaskKind kind, byte[] taskBinary,
        byte[] partition) {
    public TaskDescription {
        requireNonNull(attemptId, "attemptId is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(taskBinary, "taskBinary is null");
        requireNonNull(partition, "partition is null");
    }

    public long taskId() {
        return attemptId.taskId();
    }

    @Override
    public String toString() {
        return attemptId + " of job " + jobId;
    }
}
