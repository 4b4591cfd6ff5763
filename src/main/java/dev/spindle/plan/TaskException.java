package dev.spindle.plan;

/**
 * An exception a task threw, described as text because it could not travel or be rebuilt on the driver (its class
 * is not serializable, or not on the driver's class path): its class name, message and the stack trace from the
 * executor.
 */
public final class TaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String exceptionClass;
    private final String remoteStackTrace;

    public TaskException(String exceptionClass, String message, String remoteStackTrace) {
        super(message == null || message.isEmpty() ? exceptionClass : exceptionClass + ": " + message);
        this.exceptionClass = exceptionClass;
        this.remoteStackTrace = remoteStackTrace == null ? "" : remoteStackTrace;
    }

    /** The name of the class the task threw. */
    public String exceptionClass() {
        return exceptionClass;
    }

    /** The stack trace as the executor formatted it. */
    public String remoteStackTrace() {
        return remoteStackTrace;
    }
}
