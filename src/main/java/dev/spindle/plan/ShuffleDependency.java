package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.Pair;
import java.util.Comparator;
import java.util.Optional;

/**
 * A stage boundary: every child partition reads from every parent partition. Map tasks of the parent
 * stage partition their {@code Pair<K, V>} output with {@link #partitioner()}, combining values map-side
 * when {@link #mapSideCombine()}; reduce tasks read combiners {@code C} (or the values, uncombined),
 * sorted by {@link #keyOrdering()} when one is set.
 */
public final class ShuffleDependency<K, V, C> extends Dependency<Pair<K, V>> {
    private static final long serialVersionUID = 1L;

    private final int shuffleId;
    private final Partitioner partitioner;
    private final Aggregator<K, V, C> aggregator;
    private final boolean mapSideCombine;
    private final Comparator<K> keyOrdering;

    /**
     * @param aggregator null for a plain repartition/sort/group, where reducers see the raw values
     * @param keyOrdering null when reducers need no order; must be {@link java.io.Serializable}
     */
    public ShuffleDependency(Node<Pair<K, V>> parent, int shuffleId, Partitioner partitioner,
            Aggregator<K, V, C> aggregator, boolean mapSideCombine, Comparator<K> keyOrdering) {
        super(parent);
        this.shuffleId = shuffleId;
        this.partitioner = requireNonNull(partitioner, "partitioner is null");
        this.aggregator = aggregator;
        this.mapSideCombine = mapSideCombine && aggregator != null;
        this.keyOrdering = keyOrdering;
    }

    public int shuffleId() {
        return shuffleId;
    }

    public Partitioner partitioner() {
        return partitioner;
    }

    public Optional<Aggregator<K, V, C>> aggregator() {
        return Optional.ofNullable(aggregator);
    }

    public boolean mapSideCombine() {
        return mapSideCombine;
    }

    public Optional<Comparator<K>> keyOrdering() {
        return Optional.ofNullable(keyOrdering);
    }

    @Override
    public String toString() {
        return "shuffle " + shuffleId + " (" + partitioner.numPartitions() + " partitions)";
    }
}
