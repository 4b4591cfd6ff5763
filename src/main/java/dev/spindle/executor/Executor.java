package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.NamedThreadFactory;
import dev.spindle.plan.TaskDescription;
import dev.spindle.plan.TaskMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs tasks on a pool of {@code cores} threads and reports their status. The same class runs inside the
 * driver JVM in local mode and inside executor processes; only the {@link TaskStatusSink} and the
 * {@link BroadcastSource} differ.
 */
public final class Executor implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Executor.class);

    private final ExecutorServices services;
    private final TaskStatusSink sink;
    private final ExecutorService threads;
    private final Map<Long, TaskRunner> running = new ConcurrentHashMap<>();
    private final Map<Long, Object> broadcastCache = new ConcurrentHashMap<>();
    private final TaskCode code;

    public Executor(ExecutorServices services, TaskStatusSink sink) {
        this.services = requireNonNull(services, "services is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.code = new TaskCode(services, services.conf().get(dev.spindle.config.SpindleConfig.EXECUTOR_REUSE_TASK_CODE));
        this.threads = Executors.newFixedThreadPool(services.cores(),
                new NamedThreadFactory("executor-" + services.id().id() + "-task", true));
        LOG.info("Executor {} started on {} with {} task threads", services.id().id(), services.host(),
                services.cores());
    }

    public ExecutorServices services() {
        return services;
    }

    public void launch(TaskDescription task) {
        TaskRunner runner = new TaskRunner(task, services, sink,
                new RunningTaskContext(task.attemptId(), services, broadcastCache), code, running::remove);
        running.put(task.taskId(), runner);
        try {
            threads.execute(runner);
        } catch (RejectedExecutionException e) {
            runner.reportRejected();
            running.remove(task.taskId());
        }
    }

    /** Interrupts task {@code taskId} if it runs here; it reports KILLED. */
    public void kill(long taskId, String reason) {
        TaskRunner runner = running.get(taskId);
        if (runner != null) {
            LOG.info("Killing task {}: {}", taskId, reason);
            runner.kill();
        }
    }

    /**
     * The driver is gone: running tasks are killed (their statuses have nowhere to go) and the broadcast values it
     * served are forgotten, since the next driver numbers its own.
     */
    public void driverLost(String reason) {
        running.forEach((taskId, runner) -> {
            LOG.info("Killing task {}: {}", taskId, reason);
            runner.kill();
        });
        broadcastCache.clear();
    }

    /** Deletes the files of shuffle {@code shuffleId}: no dataset of the driver can read it any more. */
    public void removeShuffle(int shuffleId) {
        try {
            services.shuffleFiles().removeShuffle(shuffleId);
        } catch (RuntimeException e) {
            LOG.warn("Could not delete the files of shuffle {}: {}", shuffleId, e.getMessage());
        }
    }

    /** Forgets broadcast value {@code id}: no task of the driver will read it any more. */
    public void removeBroadcast(long id) {
        broadcastCache.remove(id);
    }

    /** Task id -> counters so far, of the tasks running now: until each has handed its status to the sink. */
    public Map<Long, TaskMetrics> runningMetrics() {
        Map<Long, TaskMetrics> metrics = new java.util.HashMap<>();
        running.forEach((id, runner) -> metrics.put(id, runner.metrics()));
        return metrics;
    }

    public int runningTasks() {
        return running.size();
    }

    /** Kills running tasks, stops the threads and closes the block store (deleting local files). */
    @Override
    public void close() {
        running.values().forEach(TaskRunner::kill);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Executor {} task threads did not stop within 10 s", services.id().id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.blocks().close();
        broadcastCache.clear();
    }
}
