package dev.spindle.scheduler.spi;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskStatus;

/** What a backend reports to the task scheduler; callable from any thread. */
public interface BackendCallbacks {
    /** An executor registered: it offers {@code cores} task slots on {@code host}. */
    void executorAdded(ExecutorId executor, String host, int cores);

    /** An executor is gone; its running tasks are lost, its shuffle output and cached blocks too. */
    void executorLost(ExecutorId executor, String reason);

    /**
     * The backend can no longer provide executors (for example, too many failed to start): every task set fails
     * with {@code reason}, now and later, instead of waiting for slots that will never come.
     */
    void backendFailed(String reason);

    /** A task attempt changed state on its executor. */
    void statusUpdate(TaskStatus status);
}
