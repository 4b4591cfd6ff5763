package dev.spindle.common;

/**
 * What went wrong, grouped the way an operator triages it: the user's program or input,
 * a Spindle bug, or the cluster running out of something.
 */
public enum ErrorCode {
    /** Bad configuration, flags, paths or arguments. */
    INVALID_ARGUMENT(Kind.USER),
    /** The user's code failed (a task exception, an unserializable closure). */
    USER_CODE_FAILED(Kind.USER),
    /** Input that cannot be read or parsed. */
    INVALID_INPUT(Kind.USER),
    /** Output that cannot be written as asked (existing directory, commit conflict). */
    OUTPUT_CONFLICT(Kind.USER),
    /** A job was cancelled, or its context closed, before it finished. */
    CANCELLED(Kind.USER),
    /** A result or buffer above a configured bound. */
    LIMIT_EXCEEDED(Kind.RESOURCE),
    /** Memory, disk or executors exhausted. */
    INSUFFICIENT_RESOURCES(Kind.RESOURCE),
    /** A broken invariant inside Spindle. */
    INTERNAL(Kind.INTERNAL),
    /** An I/O failure that is not the user's fault (disk, network, file system). */
    IO_FAILURE(Kind.INTERNAL);

    /** Who is expected to act on the error. */
    public enum Kind { USER, INTERNAL, RESOURCE }

    private final Kind kind;

    ErrorCode(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
