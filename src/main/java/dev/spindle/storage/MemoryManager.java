package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The executor's unified memory: one pool shared by execution (shuffle and sort buffers of running tasks)
 * and storage (cached blocks). Execution may take free memory and memory that storage holds above its
 * protected share ({@code spindle.memory.storageFraction}), by evicting cached blocks; storage may take
 * what execution leaves free. Each running task gets at most {@code 1/N} of the execution memory when N
 * tasks run, so one task cannot starve the others. Requests never block: a consumer that gets less than it
 * asked for spills.
 *
 * <p>Thread-safe; all accounting happens under this object's lock.
 */
public final class MemoryManager {
    private static final Logger LOG = LogManager.getLogger(MemoryManager.class);

    /** Frees storage memory by evicting blocks; returns the bytes freed. Called with the lock released. */
    @FunctionalInterface
    public interface StorageEvictor {
        long evict(long bytesWanted);
    }

    private final long totalBytes;
    private final long protectedStorageBytes;
    private final Map<Long, Long> executionByTask = new HashMap<>();
    private long executionUsed;
    private long storageUsed;
    private final StorageEvictor evictor;

    /** Memory whose storage {@code evictor} frees (the block store's) when execution needs it. */
    public MemoryManager(long totalBytes, double storageFraction, StorageEvictor evictor) {
        SpindleException.checkArgument(totalBytes > 0, "memory size %d must be positive", totalBytes);
        SpindleException.checkArgument(storageFraction >= 0 && storageFraction <= 1,
                "storage fraction %s must be between 0 and 1", storageFraction);
        this.totalBytes = totalBytes;
        this.protectedStorageBytes = (long) (totalBytes * storageFraction);
        this.evictor = requireNonNull(evictor, "evictor is null");
    }

    /**
     * Unified memory for a heap of {@code heapBytes}: {@code (heap - 300m) * fraction}, or the explicit
     * {@code configuredBytes} when positive.
     */
    public static long unifiedBytes(long heapBytes, double fraction, long configuredBytes) {
        if (configuredBytes > 0) {
            return configuredBytes;
        }
        long reserved = Math.min(300L << 20, heapBytes / 4);
        return Math.max(1L << 20, (long) ((heapBytes - reserved) * fraction));
    }

    public long totalBytes() {
        return totalBytes;
    }

    /**
     * Grants up to {@code bytes} of execution memory to task {@code taskId}; returns the bytes granted,
     * possibly 0. The caller releases what it was granted.
     */
    public long acquireExecution(long taskId, long bytes) {
        SpindleException.checkArgument(bytes >= 0, "cannot acquire %d bytes", bytes);
        long shortfall;
        synchronized (this) {
            executionByTask.putIfAbsent(taskId, 0L);
            long granted = grantExecution(taskId, bytes);
            if (granted == bytes) {
                return granted;
            }
            releaseExecutionLocked(taskId, granted);
            long evictable = Math.max(0, storageUsed - protectedStorageBytes);
            shortfall = Math.min(bytes - granted, evictable);
        }
        if (shortfall > 0) {
            long freed = evictor.evict(shortfall);
            LOG.debug("Evicted {} bytes of cached blocks for task {}", freed, taskId);
        }
        synchronized (this) {
            return grantExecution(taskId, bytes);
        }
    }

    private long grantExecution(long taskId, long bytes) {
        int activeTasks = Math.max(1, executionByTask.size());
        long executionPool = totalBytes - storageUsed;
        long perTaskMax = Math.max(0, (totalBytes - Math.min(storageUsed, protectedStorageBytes)) / activeTasks);
        long held = executionByTask.getOrDefault(taskId, 0L);
        long free = Math.max(0, executionPool - executionUsed);
        long granted = Math.max(0, Math.min(bytes, Math.min(free, perTaskMax - held)));
        executionByTask.put(taskId, held + granted);
        executionUsed += granted;
        return granted;
    }

    public synchronized void releaseExecution(long taskId, long bytes) {
        releaseExecutionLocked(taskId, bytes);
    }

    private void releaseExecutionLocked(long taskId, long bytes) {
        long held = executionByTask.getOrDefault(taskId, 0L);
        long released = Math.min(held, bytes);
        executionByTask.put(taskId, held - released);
        executionUsed -= released;
    }

    /** Releases everything {@code taskId} still holds (at task end); returns the bytes it had leaked. */
    public synchronized long releaseAllExecution(long taskId) {
        Long held = executionByTask.remove(taskId);
        if (held == null) {
            return 0;
        }
        executionUsed -= held;
        return held;
    }

    public synchronized long executionUsed() {
        return executionUsed;
    }

    public synchronized long executionUsed(long taskId) {
        return executionByTask.getOrDefault(taskId, 0L);
    }

    /**
     * Reserves {@code bytes} of storage memory, evicting other blocks through the evictor if needed;
     * false when they cannot be had (the caller then drops the block or writes it to disk).
     */
    public boolean acquireStorage(long bytes) {
        SpindleException.checkArgument(bytes >= 0, "cannot acquire %d bytes", bytes);
        long need;
        synchronized (this) {
            if (bytes > totalBytes) {
                return false;
            }
            long free = totalBytes - executionUsed - storageUsed;
            if (free >= bytes) {
                storageUsed += bytes;
                return true;
            }
            need = bytes - free;
        }
        evictor.evict(need);
        synchronized (this) {
            long free = totalBytes - executionUsed - storageUsed;
            if (free >= bytes) {
                storageUsed += bytes;
                return true;
            }
            return false;
        }
    }

    public synchronized void releaseStorage(long bytes) {
        storageUsed = Math.max(0, storageUsed - bytes);
    }

    public synchronized long storageUsed() {
        return storageUsed;
    }

    public synchronized long storageFree() {
        return Math.max(0, totalBytes - executionUsed - storageUsed);
    }
}
