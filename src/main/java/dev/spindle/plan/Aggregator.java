package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import dev.spindle.function.Function;
import dev.spindle.function.Function2;
import java.io.Serializable;

/**
 * How values of one key combine during a shuffle: the first value becomes a combiner, later values
 * merge into it, and combiners from different map tasks or spills merge with each other.
 */
public record Aggregator<K, V, C>(
        Function<V, C> createCombiner,
        Function2<C, V, C> mergeValue,
        Function2<C, C, C> mergeCombiners) implements Serializable {

    public Aggregator {
        requireNonNull(createCombiner, "createCombiner is null");
        requireNonNull(mergeValue, "mergeValue is null");
        requireNonNull(mergeCombiners, "mergeCombiners is null");
    }
}
