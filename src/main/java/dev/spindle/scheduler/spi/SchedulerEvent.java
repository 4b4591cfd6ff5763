package dev.spindle.scheduler.spi;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;

/**
 * What the schedulers tell listeners (console progress bar, UI, event log). Past-tense records,
 * posted from the scheduler threads; listeners must not block.
 */
public sealed interface SchedulerEvent {
    /** Milliseconds since the epoch when the event happened. */
    long time();

    record JobStarted(long time, int jobId, String description, java.util.List<Integer> stageIds)
            implements SchedulerEvent {
    }

    /** {@code failure} is null when the job succeeded. */
    record JobFinished(long time, int jobId, boolean succeeded, String failure) implements SchedulerEvent {
    }

    record StageSubmitted(long time, int stageId, int attempt, String name, int numTasks, int jobId)
            implements SchedulerEvent {
    }

    /** {@code failure} is null when every task of the stage attempt succeeded. */
    record StageCompleted(long time, int stageId, int attempt, String name, String failure)
            implements SchedulerEvent {
    }

    record TaskStarted(long time, int stageId, int stageAttempt, long taskId, int partition, int attempt,
            ExecutorId executor, String host) implements SchedulerEvent {
    }

    /** {@code failure} is null when the task succeeded; {@code metrics} may be null for lost tasks. */
    record TaskEnded(long time, int stageId, int stageAttempt, long taskId, int partition, int attempt,
            ExecutorId executor, TaskMetrics metrics, TaskFailure failure) implements SchedulerEvent {
    }

    record ExecutorAdded(long time, ExecutorId executor, String host, int cores) implements SchedulerEvent {
    }

    record ExecutorRemoved(long time, ExecutorId executor, String reason) implements SchedulerEvent {
    }
}
