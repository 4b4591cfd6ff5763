package dev.spindle.plan;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import dev.spindle.common.Pair;

/** The reduce side of one shuffle: partition i holds the (combined) records the partitioner sent to i. */
public final class ShuffledNode<K, V, C> extends Node<Pair<K, C>> {
    private static final long serialVersionUID = 1L;

    private final ShuffleDependency<K, V, C> dependency;

    public ShuffledNode(NodeInfo info, ShuffleDependency<K, V, C> dependency) {
        super(info, List.of(dependency));
        this.dependency = dependency;
    }

    public ShuffleDependency<K, V, C> dependency() {
        return dependency;
    }

    @Override
    protected List<Partition> computePartitions() {
        int n = dependency.partitioner().numPartitions();
        List<Partition> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(new IndexPartition(i));
        }
        return result;
    }

    @Override
    protected Iterator<Pair<K, C>> compute(Partition partition, TaskContext context) {
        return context.shuffle().read(dependency, partition.index(), partition.index() + 1, context);
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return Optional.of(dependency.partitioner());
    }
}
