package dev.spindle.scheduler.task;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskResult;
import java.util.Map;

/** What the task scheduler reports to the DAG scheduler; called on the task scheduler's thread. */
public interface TaskSetListener {
    /** {@code locality}: PROCESS_LOCAL, NODE_LOCAL, NO_PREF or ANY (see {@code TaskSetManager#locality}). */
    void taskStarted(TaskAttemptId attempt, ExecutorId executor, String host, String locality);

    /**
     * @param lastOfSet true when this success finishes its task set, or the set launches no more tasks (a zombie): the
     *     DAG scheduler acts on it at once; otherwise it may take it together with the successes that follow it
     *     within about a millisecond
     */
    void taskSucceeded(TaskAttemptId attempt, ExecutorId executor, TaskResult result, boolean lastOfSet);

    /** Every failed, killed or lost attempt, whether or not it will be retried. */
    void taskFailed(TaskAttemptId attempt, ExecutorId executor, TaskFailure failure);

    /** The stage attempt cannot succeed (a task failed {@code spindle.task.maxFailures} times). */
    void taskSetFailed(int stageId, int stageAttempt, String reason, TaskFailure lastFailure);

    void executorAdded(ExecutorId executor, String host, int cores, long maxMemoryBytes, Map<String, String> logUrls);

    void executorLost(ExecutorId executor, String reason);
}
