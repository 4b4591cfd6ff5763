package dev.spindle.function;

import java.io.Serializable;
import java.util.Iterator;

/** Maps a whole partition; the partition index is the first argument. Serializable, so that a lambda can be shipped to executors. */
@FunctionalInterface
public interface PartitionFunction<T, R> extends Serializable {
    Iterator<R> call(int partition, Iterator<T> input) throws Exception;
}
