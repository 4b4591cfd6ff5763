package dev.spindle.plan;

/**
 * Wraps a checked exception thrown by user code inside a task, so it can cross iterator boundaries.
 * The executor reports the cause (class, message, stack), not this wrapper.
 */
public final class UserCodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserCodeException(NodeInfo where, Throwable cause) {
        super("user code in " + where + " threw " + cause, cause);
    }
}
