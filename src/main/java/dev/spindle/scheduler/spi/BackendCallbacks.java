package dev.spindle.scheduler.spi;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskStatus;
import java.util.Map;

/** What a backend reports to the task scheduler; callable from any thread. */
public interface BackendCallbacks {
    /**
     * An executor registered: it offers {@code cores} task slots on {@code host}, has a heap of
     * {@code maxMemoryBytes} (0 when unknown), and its logs are at {@code logUrls} (by name, such as {@code stdout};
     * empty when the backend knows none).
     */
    void executorAdded(ExecutorId executor, String host, int cores, long maxMemoryBytes, Map<String, String> logUrls);

    /** An executor of unknown memory and without log links registered. */
    default void executorAdded(ExecutorId executor, String host, int cores) {
        executorAdded(executor, host, cores, 0, Map.of());
    }

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
