package dev.spindle.plan;

import dev.spindle.common.Pair;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Inner join of two pair parents by key, as a hash join per partition: the right parent's records of the partition
 * go into a hash table, then the left parent's stream past it and each match is emitted as it is found. Only the
 * right side is held in memory (a cogroup would hold both sides' value lists); put the smaller dataset on the right.
 * Parents already partitioned by the target partitioner are read without a shuffle.
 */
public final class HashJoinNode<K, V, W> extends Node<Pair<K, Pair<V, W>>> {
    private static final long serialVersionUID = 1L;

    private final Partitioner partitioner;

    public HashJoinNode(NodeInfo info, Node<? extends Pair<K, V>> left, Node<? extends Pair<K, W>> right,
            Partitioner partitioner, IntSupplier newShuffleId) {
        super(info, CoPartitioning.dependencies(List.of(left, right), partitioner, newShuffleId));
        this.partitioner = partitioner;
    }

    @Override
    protected List<Partition> computePartitions() {
        return CoPartitioning.partitions(dependencies(), partitioner);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Iterator<Pair<K, Pair<V, W>>> compute(Partition partition, TaskContext context) {
        List<Dependency<?>> deps = dependencies();
        JoinTable<K, W> table = new JoinTable<>();
        Iterator<? extends Pair<K, ?>> right = CoPartitioning.input(deps, 1, partition, context);
        while (right.hasNext()) {
            Pair<K, ?> record = right.next();
            table.add(record.key(), (W) record.value());
        }
        if (table.isEmpty()) {
            return Collections.emptyIterator();
        }
        Iterator<? extends Pair<K, ?>> left = CoPartitioning.input(deps, 0, partition, context);
        return new Iterator<>() {
            private K key;
            private V value;
            private List<W> matches = List.of();
            private int next;

            @Override
            public boolean hasNext() {
                while (next >= matches.size()) {
                    if (!left.hasNext()) {
                        return false;
                    }
                    Pair<K, ?> record = left.next();
                    List<W> found = table.get(record.key());
                    if (found != null) {
                        key = record.key();
                        value = (V) record.value();
                        matches = found;
                        next = 0;
                    }
                }
                return true;
            }

            @Override
            public Pair<K, Pair<V, W>> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return Pair.of(key, Pair.of(value, matches.get(next++)));
            }
        };
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return Optional.of(partitioner);
    }
}
