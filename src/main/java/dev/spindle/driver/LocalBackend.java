package dev.spindle.driver;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.executor.CacheReport;
import dev.spindle.executor.Executor;
import dev.spindle.executor.TaskStatusSink;
import dev.spindle.scheduler.spi.BackendCallbacks;
import dev.spindle.scheduler.spi.CacheLocations;
import dev.spindle.scheduler.spi.SchedulerBackend;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Local mode: one executor inside the driver JVM with {@code cores} task threads. Tasks still go through
 * serialized task descriptions and serialized results, exactly as with remote executors.
 */
final class LocalBackend implements SchedulerBackend {
    private final int cores;
    private final String host;
    private final Function<TaskStatusSink, Executor> executorFactory;
    private final CacheLocations cacheLocations;
    private final CacheReport cacheReport = new CacheReport();
    private volatile Executor executor;

    LocalBackend(int cores, String host, Function<TaskStatusSink, Executor> executorFactory,
            CacheLocations cacheLocations) {
        this.cores = cores;
        this.host = requireNonNull(host, "host is null");
        this.executorFactory = requireNonNull(executorFactory, "executorFactory is null");
        this.cacheLocations = requireNonNull(cacheLocations, "cacheLocations is null");
    }

    @Override
    public void start(BackendCallbacks callbacks) {
        executor = executorFactory.apply(status -> {
            reportCacheChanges();
            callbacks.statusUpdate(status);
        });
        callbacks.executorAdded(ExecutorId.DRIVER, host, cores, Runtime.getRuntime().maxMemory(), Map.of());
    }

    /** The partitions the task cached or dropped, as an executor process reports them with its task's status. */
    private synchronized void reportCacheChanges() {
        CacheLocations.Location location = new CacheLocations.Location(ExecutorId.DRIVER, host);
        for (CacheReport.Change change : cacheReport.changes(executor.services().blocks())) {
            if (change.dropped()) {
                cacheLocations.removed(ExecutorId.DRIVER, change.nodeId(), change.partition());
            } else {
                cacheLocations.added(location, change.nodeId(), change.partition(), change.memoryBytes(),
                        change.diskBytes());
            }
        }
    }

    @Override
    public int defaultParallelism() {
        return Math.max(2, cores);
    }

    @Override
    public boolean runsTasksInDriverJvm() {
        return true;
    }

    @Override
    public void launchTasks(List<TaskLaunch> launches) {
        for (TaskLaunch launch : launches) {
            executor.launch(launch.task());
        }
    }

    @Override
    public void killTask(long taskId, ExecutorId executorId, String reason) {
        executor.kill(taskId, reason);
    }

    @Override
    public void removeCachedBlocks(int nodeId) {
        Executor e = executor;
        if (e != null) {
            e.services().blocks().remove(nodeId);
            reportCacheChanges();
        }
    }

    @Override
    public void removeShuffle(int shuffleId) {
        Executor e = executor;
        if (e != null) {
            e.removeShuffle(shuffleId);
        }
    }

    @Override
    public void removeBroadcast(long id) {
        Executor e = executor;
        if (e != null) {
            e.removeBroadcast(id);
        }
    }

    @Override
    public void close() {
        Executor e = executor;
        if (e != null) {
            e.close();
        }
    }
}
