package dev.spindle.scheduler.task;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskKind;
import java.util.List;

/**
 * The tasks of one stage attempt, as the DAG scheduler hands them over: the stage's serialized code
 * (shared) and, per task, its serialized partition and preferred hosts.
 */
public record TaskSet(int stageId, int stageAttempt, int jobId, TaskKind kind, byte[] taskBinary,
        List<PendingTask> tasks) {

    /**
     * One task to run: partition {@code partition} of the stage, best run on one of {@code preferredExecutors} (which
     * cache its input), else on one of {@code preferredHosts}.
     */
    public record PendingTask(int partition, byte[] partitionBytes, List<String> preferredHosts,
            List<ExecutorId> preferredExecutors) {
        public PendingTask {
            requireNonNull(partitionBytes, "partitionBytes is null");
            preferredHosts = List.copyOf(preferredHosts);
            preferredExecutors = List.copyOf(preferredExecutors);
        }

        public PendingTask(int partition, byte[] partitionBytes, List<String> preferredHosts) {
            this(partition, partitionBytes, preferredHosts, List.of());
        }
    }

    public TaskSet {
        requireNonNull(kind, "kind is null");
        requireNonNull(taskBinary, "taskBinary is null");
        tasks = List.copyOf(tasks);
    }

    @Override
    public String toString() {
        return "task set of stage " + stageId + "." + stageAttempt + " (" + tasks.size() + " tasks, job " + jobId + ")";
    }
}
