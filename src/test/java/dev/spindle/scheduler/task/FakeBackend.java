package dev.spindle.scheduler.task;

import dev.spindle.common.ExecutorId;
import dev.spindle.scheduler.spi.BackendCallbacks;
import dev.spindle.scheduler.spi.SchedulerBackend;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/** A backend that launches nothing: it records the launches and the pending tasks per host it is told of. */
final class FakeBackend implements SchedulerBackend {
    final LinkedBlockingQueue<TaskLaunch> launches = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Map<String, Integer>> pendingByHost = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<ExecutorId> released = new LinkedBlockingQueue<>();
    /** What {@link #queuesTasks()} answers: false, as an in-process backend; true, as executor processes. */
    volatile boolean queues;

    @Override
    public boolean queuesTasks() {
        return queues;
    }

    @Override
    public void start(BackendCallbacks callbacks) {
    }

    @Override
    public int defaultParallelism() {
        return 2;
    }

    @Override
    public void launchTasks(List<TaskLaunch> tasks) {
        launches.addAll(tasks);
    }

    @Override
    public void killTask(long taskId, ExecutorId executor, String reason) {
    }

    @Override
    public void removeCachedBlocks(int nodeId) {
    }

    @Override
    public void pendingTasksByHost(Map<String, Integer> tasksPerHost) {
        pendingByHost.add(tasksPerHost);
    }

    @Override
    public void releaseExecutor(ExecutorId executor, String reason) {
        released.add(executor);
    }

    @Override
    public void close() {
    }
}
