package dev.spindle.plan;

import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * What nodes that combine several pair parents by key share: a parent already partitioned by the target partitioner
 * is read directly (a narrow dependency: PageRank's cached links are never reshuffled), the others are shuffled; the
 * partition {@code i} of the result reads partition {@code i} of each parent.
 */
final class CoPartitioning {
    /** Partition {@code index} of the result, with the partition of each narrow parent (null for shuffled ones). */
    record CoGroupPartition(int index, Partition[] narrowParents) implements Partition {
    }

    private CoPartitioning() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <K> List<Dependency<?>> dependencies(List<? extends Node<? extends Pair<K, ?>>> parents,
            Partitioner partitioner, IntSupplier newShuffleId) {
        List<Dependency<?>> deps = new ArrayList<>();
        for (Node<? extends Pair<K, ?>> parent : parents) {
            if (parent.partitioner().equals(Optional.of(partitioner))) {
                deps.add(new OneToOneDependency<>(parent));
            } else {
                deps.add(new ShuffleDependency(parent, newShuffleId.getAsInt(), partitioner, null, false, null));
            }
        }
        return deps;
    }

    static List<Partition> partitions(List<Dependency<?>> deps, Partitioner partitioner) {
        List<Partition> result = new ArrayList<>(partitioner.numPartitions());
        for (int i = 0; i < partitioner.numPartitions(); i++) {
            Partition[] narrow = new Partition[deps.size()];
            for (int d = 0; d < deps.size(); d++) {
                if (deps.get(d) instanceof OneToOneDependency<?> one) {
                    narrow[d] = one.parent().partitions().get(i);
                }
            }
            result.add(new CoGroupPartition(i, narrow));
        }
        return result;
    }

    /** The records of parent {@code d} for {@code partition}: its shuffle output, or its co-partitioned partition. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <K> Iterator<? extends Pair<K, ?>> input(List<Dependency<?>> deps, int d, Partition partition,
            TaskContext context) {
        CoGroupPartition part = (CoGroupPartition) partition;
        if (deps.get(d) instanceof ShuffleDependency shuffle) {
            return context.shuffle().read(shuffle, part.index(), part.index() + 1, context);
        }
        return (Iterator<? extends Pair<K, ?>>) deps.get(d).parent().iterator(part.narrowParents()[d], context);
    }
}
