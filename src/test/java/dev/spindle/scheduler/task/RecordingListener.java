package dev.spindle.scheduler.task;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A task-set listener that records task set and task failures and lost executors, and ignores the rest. */
final class RecordingListener implements TaskSetListener {
    final List<String> taskSetFailures = new CopyOnWriteArrayList<>();
    final List<String> executorsLost = new CopyOnWriteArrayList<>();
    final List<TaskFailure> taskFailures = new CopyOnWriteArrayList<>();

    @Override
    public void taskStarted(TaskAttemptId attempt, ExecutorId executor, String host, String locality) {
    }

    @Override
    public void taskSucceeded(TaskAttemptId attempt, ExecutorId executor, TaskResult result, boolean lastOfSet) {
    }

    @Override
    public void taskFailed(TaskAttemptId attempt, ExecutorId executor, TaskFailure failure) {
        taskFailures.add(failure);
    }

    @Override
    public void taskSetFailed(int stageId, int stageAttempt, String reason, TaskFailure lastFailure) {
        taskSetFailures.add(reason);
    }

    @Override
    public void executorAdded(ExecutorId executor, String host, int cores, long maxMemoryBytes,
            java.util.Map<String, String> logUrls) {
    }

    @Override
    public void executorLost(ExecutorId executor, String reason) {
        executorsLost.add(executor.id() + ": " + reason);
    }
}
