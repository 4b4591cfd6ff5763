package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;

/** A task attempt's state change as an executor reports it; {@code result} or {@code failure} as the state says. */
public record TaskStatus(long taskId, ExecutorId executor, TaskState state, TaskResult result, TaskFailure failure) {
    public TaskStatus {
        requireNonNull(executor, "executor is null");
        requireNonNull(state, "state is null");
        if (state == TaskState.FINISHED) {
            requireNonNull(result, "result is null for a finished task");
        }
        if (state == TaskState.FAILED || state == TaskState.KILLED || state == TaskState.LOST) {
            requireNonNull(failure, "failure is null for a task in state " + state);
        }
    }

    public static TaskStatus finished(long taskId, ExecutorId executor, TaskResult result) {
        return new TaskStatus(taskId, executor, TaskState.FINISHED, result, null);
    }

    public static TaskStatus failed(long taskId, ExecutorId executor, TaskState state, TaskFailure failure) {
        return new TaskStatus(taskId, executor, state, null, failure);
    }
}
