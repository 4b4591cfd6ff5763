package dev.spindle.common;

/**
 * One attempt of one task: the stage (and its attempt), the partition it computes, the attempt
 * number of that partition, and a context-wide unique task id.
 */
public record TaskAttemptId(long taskId, int stageId, int stageAttempt, int partition, int attempt) implements java.io.Serializable {
    public TaskAttemptId {
        // Tested before formatting: one is made per task launch, and checkArgument's varargs box on every call.
        if (taskId < 0 || partition < 0 || attempt < 0) {
            SpindleException.checkArgument(taskId >= 0, "task id %d is negative", taskId);
            SpindleException.checkArgument(partition >= 0, "partition %d is negative", partition);
            SpindleException.checkArgument(attempt >= 0, "attempt %d is negative", attempt);
        }
    }

    @Override
    public String toString() {
        return "task " + taskId + " (stage " + stageId + "." + stageAttempt + ", partition " + partition
                + ", attempt " + attempt + ")";
    }
}
