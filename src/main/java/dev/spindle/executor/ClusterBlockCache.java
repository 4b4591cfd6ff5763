package dev.spindle.executor;

import dev.spindle.plan.BlockCache;
import dev.spindle.plan.StorageLevel;
import dev.spindle.plan.TaskContext;
import dev.spindle.storage.BlockStore;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cache as tasks of an executor process see it: this executor's block store first, then another executor that
 * caches the partition (the scheduler prefers that executor, but runs the task elsewhere once the locality wait is
 * over), and only then the lineage. A partition read from another executor is cached here too.
 */
final class ClusterBlockCache implements BlockCache {
    private final BlockStore local;
    private final RemoteBlocks remote;

    ClusterBlockCache(BlockStore local, RemoteBlocks remote) {
        this.local = local;
        this.remote = remote;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Iterator<T> getOrCompute(int nodeId, int partition, StorageLevel level, Supplier<Iterator<T>> compute,
            TaskContext context) {
        return local.getOrCompute(nodeId, partition, level, () -> {
            Optional<List<Object>> fetched = remote.read(nodeId, partition);
            return fetched.isPresent() ? (Iterator<T>) fetched.get().iterator() : compute.get();
        }, context);
    }

    @Override
    public void remove(int nodeId) {
        local.remove(nodeId);
    }
}
