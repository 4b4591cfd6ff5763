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

    /** Runs {@link #createCombiner()}; a checked exception from user code becomes a {@link UserCodeException}. */
    public C create(V value) {
        try {
            return createCombiner.call(value);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw failed("createCombiner", e);
        }
    }

    /** Runs {@link #mergeValue()}. */
    public C mergeValue(C combiner, V value) {
        try {
            return mergeValue.call(combiner, value);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw failed("mergeValue", e);
        }
    }

    /** Runs {@link #mergeCombiners()}. */
    public C merge(C a, C b) {
        try {
            return mergeCombiners.call(a, b);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw failed("mergeCombiners", e);
        }
    }

    private static UserCodeException failed(String function, Exception e) {
        return new UserCodeException(new NodeInfo(-1, function, "shuffle aggregator"), e);
    }
}
