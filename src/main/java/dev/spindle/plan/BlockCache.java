package dev.spindle.plan;

import java.util.Iterator;
import java.util.function.Supplier;

/** The executor's cache of persisted dataset partitions, implemented by the block store. */
public interface BlockCache {
    /**
     * The cached elements of partition {@code partition} of node {@code nodeId}, or, when not cached,
     * the result of {@code compute}, stored at {@code level} as a side effect of iterating it. A partition
     * that does not fit in memory at a memory-only level is returned without being cached.
     */
    <T> Iterator<T> getOrCompute(int nodeId, int partition, StorageLevel level, Supplier<Iterator<T>> compute,
            TaskContext context);

    /** Drops every cached partition of node {@code nodeId}, from memory and disk. */
    void remove(int nodeId);
}
