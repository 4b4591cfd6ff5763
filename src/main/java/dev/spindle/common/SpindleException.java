package dev.spindle.common;

import static java.util.Objects.requireNonNull;

/** The one exception type Spindle throws; the {@link ErrorCode} says whose problem it is. */
public class SpindleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public SpindleException(ErrorCode code, String message) {
        super(requireNonNull(message, "message is null"));
        this.code = requireNonNull(code, "code is null");
    }

    public SpindleException(ErrorCode code, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }

    public static SpindleException invalidArgument(String format, Object... args) {
        return new SpindleException(ErrorCode.INVALID_ARGUMENT, String.format(format, args));
    }

    public static SpindleException internal(String format, Object... args) {
        return new SpindleException(ErrorCode.INTERNAL, String.format(format, args));
    }

    /** Throws {@code invalidArgument} with the formatted message unless {@code condition} holds. */
    public static void checkArgument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw invalidArgument(format, args);
        }
    }

    /** Throws {@code internal} with the formatted message unless {@code condition} holds. */
    public static void checkState(boolean condition, String format, Object... args) {
        if (!condition) {
            throw internal(format, args);
        }
    }
}
