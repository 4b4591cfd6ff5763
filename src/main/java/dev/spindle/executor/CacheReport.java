package dev.spindle.executor;

import dev.spindle.storage.BlockId;
import dev.spindle.storage.BlockStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an executor has told its driver about its cached partitions, and what changed since: each task's status
 * carries the partitions cached or resized (with their memory and disk bytes) and those dropped since the last
 * one, so that the driver knows where partitions are and the event log records every change. Not thread-safe:
 * its owner reports in order.
 */
public final class CacheReport {
    /** A cached partition and its size; both sizes 0 means dropped. */
    public record Change(int nodeId, int partition, long memoryBytes, long diskBytes) {
        public boolean dropped() {
            return memoryBytes == 0 && diskBytes == 0;
        }
    }

    private final Map<BlockId.RddBlock, long[]> reported = new HashMap<>();
    /** The store and its version {@link #reported} describes. */
    private BlockStore reportedStore;
    private long reportedVersion;

    /** The changes since the last call (or {@link #reset}), now considered reported. */
    public List<Change> changes(BlockStore blocks) {
        // Every task's status asks: a store unchanged since the last report has nothing new, and is not walked
        // (walking it for each task made stages over many cached partitions quadratic).
        long version = blocks.version();
        if (blocks == reportedStore && version == reportedVersion) {
            return List.of();
        }
        Map<BlockId.RddBlock, long[]> now = current(blocks);
        List<Change> changes = new ArrayList<>();
        now.forEach((block, size) -> {
            long[] before = reported.get(block);
            if (before == null || before[0] != size[0] || before[1] != size[1]) {
                changes.add(new Change(block.nodeId(), block.partition(), size[0], size[1]));
            }
        });
        reported.forEach((block, size) -> {
            if (!now.containsKey(block)) {
                changes.add(new Change(block.nodeId(), block.partition(), 0, 0));
            }
        });
        reported.clear();
        reported.putAll(now);
        // Read before the walk: a change during it shows as another version next time.
        reportedStore = blocks;
        reportedVersion = version;
        return changes;
    }

    /** Takes what {@code blocks} holds now as reported (a new driver was just told of it); returns it. */
    public List<Change> reset(BlockStore blocks) {
        reported.clear();
        reportedStore = null;
        return changes(blocks);
    }

    private static Map<BlockId.RddBlock, long[]> current(BlockStore blocks) {
        Map<BlockId.RddBlock, long[]> now = new HashMap<>();
        for (BlockStore.BlockInfo info : blocks.cachedBlocks()) {
            if (info.id() instanceof BlockId.RddBlock rdd) {
                long memory = info.memoryBytes();
                long disk = info.diskBytes();
                if (memory == 0 && disk == 0) {
                    memory = 1; // an empty partition is still held, and 0/0 would read as dropped
                }
                now.put(rdd, new long[] {memory, disk});
            }
        }
        return now;
    }
}
