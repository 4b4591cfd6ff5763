package dev.spindle.executor;

import dev.spindle.plan.TaskStatus;

/** Where an executor reports task state changes: the local backend in-process, the driver over RPC otherwise. */
@FunctionalInterface
public interface TaskStatusSink {
    void statusUpdate(TaskStatus status);
}
