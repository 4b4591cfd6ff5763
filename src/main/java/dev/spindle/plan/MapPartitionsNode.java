package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** Applies a function to each partition of its parent, one to one: map, filter, flatMap, mapPartitions. */
public final class MapPartitionsNode<T, U> extends Node<U> {
    private static final long serialVersionUID = 1L;

    /** The per-partition transformation. Exceptions fail the task. */
    @FunctionalInterface
    public interface Transform<T, U> extends Serializable {
        Iterator<U> apply(TaskContext context, int partition, Iterator<T> input) throws Exception;
    }

    private final Node<T> parent;
    private final Transform<T, U> transform;
    private final boolean preservesPartitioning;

    public MapPartitionsNode(NodeInfo info, Node<T> parent, Transform<T, U> transform, boolean preservesPartitioning) {
        super(info, List.of(new OneToOneDependency<>(parent)));
        this.parent = requireNonNull(parent, "parent is null");
        this.transform = requireNonNull(transform, "transform is null");
        this.preservesPartitioning = preservesPartitioning;
    }

    @Override
    protected List<Partition> computePartitions() {
        return parent.partitions();
    }

    @Override
    protected Iterator<U> compute(Partition partition, TaskContext context) {
        try {
            return transform.apply(context, partition.index(), parent.iterator(partition, context));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new UserCodeException(info(), e);
        }
    }

    @Override
    public List<String> preferredHosts(Partition partition) {
        return isCheckpointed() ? super.preferredHosts(partition) : parent.preferredHosts(partition);
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return preservesPartitioning ? parent.partitioner() : Optional.empty();
    }
}
