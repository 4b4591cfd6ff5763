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
        FetchFailure fetchFailure, TaskMetrics metrics, byte[] exception) {

    /** The largest serialized exception carried to the driver; a larger one is described by text only. */
    static final int MAX_EXCEPTION_BYTES = 16 << 10;

    /**
     * The kind of failure, which decides whether it counts against {@code spindle.task.maxFailures}. COMMIT_DENIED:
     * another attempt of the partition was allowed to commit its output first (see {@link CommitArbiter}).
     */
    public enum Reason { EXCEPTION, FETCH_FAILED, KILLED, EXECUTOR_LOST, RESULT_TOO_LARGE, COMMIT_DENIED }

    /** Which map output could not be fetched. */
    public record FetchFailure(int shuffleId, int mapPartition, String location) {
    }

    public TaskFailure(Reason reason, String exceptionClass, String message, String stackTrace,
            FetchFailure fetchFailure, TaskMetrics metrics) {
        this(reason, exceptionClass, message, stackTrace, fetchFailure, metrics, null);
    }

    public TaskFailure {
        requireNonNull(reason, "reason is null");
        requireNonNull(exceptionClass, "exceptionClass is null");
        message = message == null ? "" : message;
        stackTrace = stackTrace == null ? "" : stackTrace;
    }

    /** A failure described by {@code error}, which also travels serialized when it can (at most 16 KiB). */
    public static TaskFailure of(Reason reason, Throwable error, TaskMetrics metrics) {
        return new TaskFailure(reason, error.getClass().getName(), error.getMessage(), StackTraces.format(error), null,
                metrics, serialized(error));
    }

    private static byte[] serialized(Throwable error) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(error);
        } catch (java.io.IOException | RuntimeException e) {
            return null; // not serializable (a field of a user's exception): the text describes it
        }
        return bytes.size() <= MAX_EXCEPTION_BYTES ? bytes.toByteArray() : null;
    }

    /**
     * The task's exception as the user's code threw it, deserialized with {@code loader} (the application's class
     * loader); when it did not travel or its class cannot load here, a {@link TaskException} that carries its class,
     * message and stack trace as text.
     */
    public Throwable cause(ClassLoader loader) {
        if (exception != null) {
            try {
                return (Throwable) new dev.spindle.serde.ClosureSerializer().deserialize(exception, loader);
            } catch (RuntimeException | LinkageError e) {
                // its class is not here (or it does not read back): described below
            }
        }
        return new TaskException(exceptionClass, message, stackTrace);
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
