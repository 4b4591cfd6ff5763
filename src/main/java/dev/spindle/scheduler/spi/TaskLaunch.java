package dev.spindle.scheduler.spi;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskDescription;

/** Run {@code task} on {@code executor}. */
public record TaskLaunch(ExecutorId executor, TaskDescription task) {
    public TaskLaunch {
        requireNonNull(executor, "executor is null");
        requireNonNull(task, "task is null");
    }
}
