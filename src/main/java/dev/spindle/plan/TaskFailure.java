package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.StackTraces;

/**
 * Why a task attempt did not succeed, in a form that crosses processes: the exception's class, message
 * and stack trace as text (user exception classes may not exist on the driver).
 *
 * @param fetchFailure set when the task could not read a parent's shuffle output; the scheduler then
 *     recomputes that output instead of counting a task failure
 */
public record TaskFailure(Reason reason, String exceptionClass, String message, String stackTrace,
        FetchFailure fetchFailure, TaskMetrics metrics) {

    /** The kind of failure, which decides whether it counts against {@code spindle.task.maxFailures}. */
    public enum Reason { EXCEPTION, FETCH_FAILED, KILLED, EXECUTOR_LOST, RESULT_TOO_LARGE }

    /** Which map output could not be fetched. */
    public record FetchFailure(int shuffleId, int mapPartition, String location) {
    }

    public TaskFailure {
        requireNonNull(reason, "reason is null");
        requireNonNull(exceptionClass, "exceptionClass is null");
        message = message == null ? "" : message;
        stackTrace = stackTrace == null ? "" : stackTrace;
    }

    public static TaskFailure of(Reason reason, Throwable error, TaskMetrics metrics) {
        return new TaskFailure(reason, error.getClass().getName(), error.getMessage(), StackTraces.format(error), null,
                metrics);
    }

    public static TaskFailure simple(Reason reason, String message) {
        return new TaskFailure(reason, reason.name(), message, "", null, null);
    }

    /** True when the failure counts against the task's attempts. */
    public boolean countsTowardsFailures() {
        return reason == Reason.EXCEPTION || reason == Reason.RESULT_TOO_LARGE;
    }

    /** {@code class: message}, as users know exceptions. */
    public String describe() {
        return message.isEmpty() ? exceptionClass : exceptionClass + ": " + message;
    }
}
