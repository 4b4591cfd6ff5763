package dev.spindle.executor;

import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.ActiveTask;
import dev.spindle.plan.CommitDeniedException;
import dev.spindle.plan.Node;
import dev.spindle.plan.Partition;
import dev.spindle.plan.TaskBinary;
import dev.spindle.plan.TaskDescription;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.plan.TaskResult;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.plan.UserCodeException;
import dev.spindle.shuffle.FetchFailedException;
import dev.spindle.shuffle.MapStatus;
import dev.spindle.shuffle.SortShuffleWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * Runs one task attempt on an executor thread: deserialize, compute, serialize the result, report. Every attempt ends
 * in a status handed to the sink, a failure when the one it would report cannot go; and a kill interrupts the thread
 * only while it computes this task, never the task the thread runs next.
 */
final class TaskRunner implements Runnable {
    /** Looked up once: the lookup walks the platform MBean registry and costs more than a tiny task. */
    private static final List<GarbageCollectorMXBean> GC_BEANS = ManagementFactory.getGarbageCollectorMXBeans();

    private static final Logger LOG = LogManager.getLogger(TaskRunner.class);

    private final TaskDescription task;
    private final ExecutorServices services;
    private final TaskStatusSink sink;
    private final RunningTaskContext context;
    private final LongConsumer onDone;
    private final TaskCode code;
    private final Object interruptLock = new Object();
    /** The thread computing this task; null before and after, so that a kill cannot interrupt late. */
    private Thread computing; // guarded by interruptLock

    TaskRunner(TaskDescription task, ExecutorServices services, TaskStatusSink sink, RunningTaskContext context,
            TaskCode code, LongConsumer onDone) {
        this.code = code;
        this.task = task;
        this.services = services;
        this.sink = sink;
        this.context = context;
        this.onDone = onDone;
    }

    /** The counters of this attempt so far (read racily by heartbeats: approximate while it runs). */
    TaskMetrics metrics() {
        return context.metrics();
    }

    /** Marks the task killed and interrupts its thread if it is computing the task now. */
    void kill() {
        context.kill();
        synchronized (interruptLock) {
            if (computing != null) {
                computing.interrupt();
            }
        }
    }

    void reportRejected() {
        report(TaskStatus.failed(task.taskId(), services.id(), TaskState.KILLED,
                TaskFailure.simple(TaskFailure.Reason.KILLED, "executor " + services.id().id() + " is stopping")));
    }

    /** Computes the task, reports its status, and only then lets the executor forget it (heartbeats list it until). */
    @Override
    public void run() {
        TaskStatus status = compute();
        try {
            report(status);
        } finally {
            onDone.accept(task.taskId());
        }
    }

    /**
     * Hands {@code status} to the sink; when that throws (a result or accumulator that cannot be encoded, a bug),
     * hands it a failure that says why instead. Should that fail too, the driver finds the task missing from this
     * executor's next heartbeat and runs it again.
     */
    private void report(TaskStatus status) {
        try {
            sink.statusUpdate(status);
        } catch (RuntimeException | Error e) {
            LOG.error("Cannot report {} of {}; reporting it failed instead", status.state(), task.attemptId(), e);
            try {
                sink.statusUpdate(TaskStatus.failed(task.taskId(), services.id(), TaskState.FAILED,
                        TaskFailure.of(TaskFailure.Reason.EXCEPTION, new IllegalStateException("the task's "
                                + status.state() + " status could not be reported: " + e, e), context.metrics())));
            } catch (RuntimeException | Error again) {
                LOG.error("Cannot report {} failed either; the driver will find it missing from the next heartbeat",
                        task.attemptId(), again);
            }
        }
    }

    private TaskStatus compute() {
        Thread thread = Thread.currentThread();
        synchronized (interruptLock) {
            computing = thread;
        }
        ClassLoader previousLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(services.classLoader());
        ThreadContext.put("task", Long.toString(task.taskId()));
        ActiveTask.set(context);
        long startNanos = System.nanoTime();
        long gcStart = gcMillis();
        TaskMetrics metrics = context.metrics();
        TaskStatus status;
        try {
            byte[] value = runTask();
            context.complete(null);
            metrics.setResultBytes(value.length);
            finishMetrics(metrics, startNanos, gcStart);
            status = TaskStatus.finished(task.taskId(), services.id(),
                    new TaskResult(value, code.reportable(context.accumulators()), metrics));
        } catch (Throwable error) {
            context.complete(error);
            finishMetrics(metrics, startNanos, gcStart);
            status = failure(error, metrics);
            if (error instanceof Error && !(error instanceof OutOfMemoryError) && !(error instanceof StackOverflowError)) {
                LOG.error("Fatal error in {}", task.attemptId(), error);
            }
        } finally {
            ActiveTask.clear();
            ThreadContext.remove("task");
            long leaked = services.memory().releaseAllExecution(task.taskId());
            if (leaked > 0) {
                LOG.debug("{} left {} bytes of execution memory acquired; released", task.attemptId(), leaked);
            }
            thread.setContextClassLoader(previousLoader);
            synchronized (interruptLock) {
                computing = null;
            }
            Thread.interrupted(); // a kill that came while it computed must not reach the report or the next task
        }
        return status;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private byte[] runTask() throws Exception {
        if (context.isKilled()) { // killed while it waited for a thread (queued ahead): it never starts
            throw new InterruptedException("killed before it started");
        }
        TaskBinary binary = code.binary(task, context);
        Partition partition = (Partition) services.code().load(task.partition(), services.classLoader());
        TaskAttemptId id = task.attemptId();
        if (binary instanceof TaskBinary.ShuffleMap map) {
            Node node = map.dependency().parent();
            Iterator records = node.iterator(partition, context);
            MapStatus status = new SortShuffleWriter(map.dependency(), id.partition(), id.taskId(), context,
                    services.memory(), services.serializer(), services.shuffleFiles(), services.id(), services.host(),
                    services.blockPort())
                    .write(records);
            return services.serializer().toBytes(status);
        }
        TaskBinary.Result result = (TaskBinary.Result) binary;
        Object value = result.function().apply(context, result.node().iterator(partition, context));
        return services.serializer().toBytes(value);
    }

    private TaskStatus failure(Throwable error, TaskMetrics metrics) {
        if (error instanceof FetchFailedException fetch) {
            TaskFailure f = TaskFailure.of(TaskFailure.Reason.FETCH_FAILED, fetch, metrics);
            return TaskStatus.failed(task.taskId(), services.id(), TaskState.FAILED,
                    new TaskFailure(f.reason(), f.exceptionClass(), f.message(), f.stackTrace(),
                            new TaskFailure.FetchFailure(fetch.shuffleId(), fetch.mapPartition(), fetch.location()),
                            metrics));
        }
        if (error instanceof CommitDeniedException) {
            LOG.debug("{}: {}", task.attemptId(), error.getMessage());
            return TaskStatus.failed(task.taskId(), services.id(), TaskState.FAILED,
                    TaskFailure.of(TaskFailure.Reason.COMMIT_DENIED, error, metrics));
        }
        if (context.isKilled()) {
            return TaskStatus.failed(task.taskId(), services.id(), TaskState.KILLED,
                    TaskFailure.of(TaskFailure.Reason.KILLED, error, metrics));
        }
        Throwable cause = error instanceof UserCodeException && error.getCause() != null ? error.getCause() : error;
        LOG.debug("{} failed", task.attemptId(), cause);
        return TaskStatus.failed(task.taskId(), services.id(), TaskState.FAILED,
                TaskFailure.of(TaskFailure.Reason.EXCEPTION, cause, metrics));
    }

    private static void finishMetrics(TaskMetrics metrics, long startNanos, long gcStart) {
        metrics.setDurationMillis((System.nanoTime() - startNanos) / 1_000_000);
        metrics.setGcTimeMillis(gcMillis() - gcStart);
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : GC_BEANS) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
