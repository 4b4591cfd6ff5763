package dev.spindle.plan;

import java.io.Serializable;

/** Assigns keys to the partitions of a shuffle. Equal partitioners mean co-partitioned data. */
public interface Partitioner extends Serializable {
    int numPartitions();

    /** The partition in {@code [0, numPartitions())} of {@code key} (which may be null). */
    int partition(Object key);
}
