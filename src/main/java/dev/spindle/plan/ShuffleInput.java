package dev.spindle.plan;

import dev.spindle.common.Pair;
import java.util.Iterator;

/** The reduce side of a shuffle, as a task sees it. Implemented by the shuffle package. */
public interface ShuffleInput {
    /**
     * The records of reduce partitions {@code [startPartition, endPartition)} of {@code dependency}, from all
     * map outputs. With an aggregator, one combined value per key ({@code C}); without, the raw values
     * ({@code C} is then {@code V}). Sorted by the key ordering when the dependency has one. Spills to disk
     * when aggregation or sorting passes the task's execution memory.
     */
    <K, V, C> Iterator<Pair<K, C>> read(ShuffleDependency<K, V, C> dependency, int startPartition, int endPartition,
            TaskContext context);
}
