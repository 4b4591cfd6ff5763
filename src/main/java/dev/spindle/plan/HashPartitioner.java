package dev.spindle.plan;

import dev.spindle.common.SpindleException;

/** Partitions by {@code key.hashCode()} modulo the partition count; null keys go to partition 0. */
public record HashPartitioner(int numPartitions) implements Partitioner {
    public HashPartitioner {
        SpindleException.checkArgument(numPartitions > 0, "partition count %d must be positive", numPartitions);
    }

    @Override
    public int partition(Object key) {
        if (key == null) {
            return 0;
        }
        return Math.floorMod(key.hashCode(), numPartitions);
    }
}
