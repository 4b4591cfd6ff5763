package dev.spindle.common;

import static java.util.Objects.requireNonNull;

/** An executor: {@code driver} for the in-process one of local mode, a number otherwise. */
public record ExecutorId(String id) implements java.io.Serializable {
    public static final ExecutorId DRIVER = new ExecutorId("driver");

    public ExecutorId {
        requireNonNull(id, "id is null");
        SpindleException.checkArgument(!id.isBlank(), "executor id is blank");
    }

    @Override
    public String toString() {
        return "executor " + id;
    }
}
