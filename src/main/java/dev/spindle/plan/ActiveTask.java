package dev.spindle.plan;

import java.util.Optional;

/**
 * The task running on the current thread, for objects that are deserialized inside a task and must
 * find it (accumulators, broadcasts). Set by the executor around each task.
 */
public final class ActiveTask {
    private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

    private ActiveTask() {
    }

    public static Optional<TaskContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    public static void set(TaskContext context) {
        CURRENT.set(context);
    }

    public static void clear() {
        CURRENT.remove();
    }
}
