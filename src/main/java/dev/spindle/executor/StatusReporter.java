package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.rpc.FrameTooLargeException;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.message.CachedPartition;
import dev.spindle.rpc.message.StatusUpdate;
import dev.spindle.storage.BlockStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An executor process's task statuses on their way to the driver. A result above {@code
 * spindle.task.maxDirectResultSize} stays here as a block that the driver fetches; a status whose frame would exceed
 * {@code spindle.rpc.maxFrameSize} is not dropped but replaced by a failure that says so, with the sizes and the fix;
 * each status carries the partitions cached, resized or dropped since the one before, in order.
 */
final class StatusReporter {
    private static final Logger LOG = LogManager.getLogger(StatusReporter.class);

    /** How much of an oversized failure's own message and stack trace its replacement keeps. */
    static final int KEPT_MESSAGE_CHARS = 2048;
    static final int KEPT_TRACE_CHARS = 8192;

    private final long maxDirectResultBytes;
    private final Supplier<RpcConnection> driver;
    private final Supplier<BlockStore> blocks;
    private final Map<String, byte[]> resultBlocks = new ConcurrentHashMap<>();
    /** The cached partitions the driver has been told of; guarded by {@code this}. */
    private final CacheReport cacheReport = new CacheReport();

    StatusReporter(long maxDirectResultBytes, Supplier<RpcConnection> driver, Supplier<BlockStore> blocks) {
        this.maxDirectResultBytes = maxDirectResultBytes;
        this.driver = requireNonNull(driver, "driver is null");
        this.blocks = requireNonNull(blocks, "blocks is null");
    }

    /**
     * Sends {@code status} to the driver. A broken connection is logged (the driver declares this executor lost and
     * its tasks with it); anything else that stops the status from going propagates, for the caller to report the
     * task failed instead.
     */
    void report(TaskStatus status) {
        String block = null;
        if (status.state() == TaskState.FINISHED && status.result().value().length > maxDirectResultBytes) {
            block = "result-" + status.taskId();
            resultBlocks.put(block, status.result().value());
        }
        boolean blockAnnounced = false;
        try {
            StatusUpdate update = TaskMessages.update(status, block);
            synchronized (this) { // the cache changes and the update that tells of them go out in order
                reportCacheChanges(update);
                try {
                    driver.get().send(update);
                    blockAnnounced = block != null;
                } catch (FrameTooLargeException e) {
                    TaskStatus fitting = fitting(status, update, e.frameBytes(), e.maxFrameBytes(),
                            maxDirectResultBytes);
                    LOG.warn("Task {}: {}", status.taskId(), fitting.failure().message());
                    StatusUpdate replacement = TaskMessages.update(fitting);
                    replacement.setCachedAdded(update.getCachedAdded());
                    replacement.setCachedRemoved(update.getCachedRemoved());
                    driver.get().send(replacement);
                }
            }
        } catch (RpcException e) {
            LOG.warn("Cannot report task {} ({}) to the driver: {}", status.taskId(), status.state(), e.getMessage());
        } finally {
            if (block != null && !blockAnnounced) {
                resultBlocks.remove(block);
            }
        }
    }

    /**
     * The failure that takes the place of {@code status} when its {@code update} is {@code frameBytes}, over the
     * frame limit: it names the limit, the sizes, and which setting to change. A failure keeps its class, the start
     * of its message and stack trace, and the exception itself when that travels (at most 16 KiB).
     */
    static TaskStatus fitting(TaskStatus status, StatusUpdate update, int frameBytes, int maxFrameBytes,
            long maxDirectResultBytes) {
        String over = "task " + status.taskId() + "'s status is " + frameBytes
                + " bytes, over spindle.rpc.maxFrameSize=" + maxFrameBytes;
        if (status.state() == TaskState.FINISHED) {
            int inline = size(update.getResultData());
            int accumulators = size(update.getAccumulators());
            String fix = inline > 0 && frameBytes - inline < maxFrameBytes
                    ? "lower spindle.task.maxDirectResultSize=" + maxDirectResultBytes + " below " + inline
                            + " so that results this size travel through the block manager, or raise "
                            + "spindle.rpc.maxFrameSize above " + frameBytes
                    : "raise spindle.rpc.maxFrameSize above " + frameBytes + ", or keep the accumulator values the "
                            + "task updates smaller";
            String message = over + ": its result takes " + inline + " bytes of it (" + (inline > 0
                    ? "sent inline, as it is not above spindle.task.maxDirectResultSize=" + maxDirectResultBytes
                    : "the result itself travels as a block") + ") and its accumulator updates " + accumulators
                    + "; " + fix;
            return TaskStatus.failed(status.taskId(), status.executor(), TaskState.FAILED, new TaskFailure(
                    TaskFailure.Reason.RESULT_TOO_LARGE, TaskFailure.Reason.RESULT_TOO_LARGE.name(), message, "",
                    null, status.result().metrics()));
        }
        TaskFailure failure = status.failure();
        String message = over + " (raise it above " + frameBytes + " to see the whole report); the task's "
                + "failure, cut to " + KEPT_MESSAGE_CHARS + " characters: "
                + cut(failure.message(), KEPT_MESSAGE_CHARS);
        return TaskStatus.failed(status.taskId(), status.executor(), status.state(), new TaskFailure(failure.reason(),
                failure.exceptionClass(), message, cut(failure.stackTrace(), KEPT_TRACE_CHARS), failure.fetchFailure(),
                failure.metrics(), failure.exception()));
    }

    private static int size(ByteBuffer buffer) {
        return buffer == null ? 0 : buffer.remaining();
    }

    private static String cut(String text, int chars) {
        return text.length() <= chars ? text : text.substring(0, chars) + "…";
    }

    /** Adds to {@code update} the partitions cached, resized or dropped since the previous update. */
    private void reportCacheChanges(StatusUpdate update) {
        List<CachedPartition> added = new ArrayList<>();
        List<CachedPartition> removed = new ArrayList<>();
        for (CacheReport.Change change : cacheReport.changes(blocks.get())) {
            CachedPartition partition = new CachedPartition(change.nodeId(), change.partition(),
                    change.memoryBytes(), change.diskBytes());
            (change.dropped() ? removed : added).add(partition);
        }
        update.setCachedAdded(added);
        update.setCachedRemoved(removed);
    }

    /**
     * Every cached partition held now, all considered reported: for a registration with a new driver, so that the
     * statuses that follow report changes from this set.
     */
    synchronized List<CacheReport.Change> resetCacheReport() {
        return cacheReport.reset(blocks.get());
    }

    /** The result block {@code name}, handed out once: the driver fetches each result one time. */
    byte[] takeResultBlock(String name) {
        return resultBlocks.remove(name);
    }

    /** Forgets every result block: the driver that would have fetched them is gone. */
    void dropResultBlocks() {
        resultBlocks.clear();
    }
}
