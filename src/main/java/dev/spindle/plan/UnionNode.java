package dev.spindle.plan;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The partitions of several parents, one after the other; no shuffle. */
public final class UnionNode<T> extends Node<T> {
    private static final long serialVersionUID = 1L;

    /** Partition {@code index} of the union is partition {@code parentPartition} of parent {@code parent}. */
    record UnionPartition(int index, int parent, Partition parentPartition) implements Partition {
    }

    private final List<Node<T>> parents;

    public UnionNode(NodeInfo info, List<Node<T>> parents) {
        super(info, dependencies(parents));
        this.parents = List.copyOf(parents);
    }

    private static <T> List<Dependency<?>> dependencies(List<Node<T>> parents) {
        List<Dependency<?>> deps = new ArrayList<>();
        int offset = 0;
        for (Node<T> parent : parents) {
            int n = parent.numPartitions();
            deps.add(new RangeDependency<>(parent, 0, offset, n));
            offset += n;
        }
        return deps;
    }

    @Override
    protected List<Partition> computePartitions() {
        List<Partition> result = new ArrayList<>();
        for (int p = 0; p < parents.size(); p++) {
            for (Partition part : parents.get(p).partitions()) {
                result.add(new UnionPartition(result.size(), p, part));
            }
        }
        return result;
    }

    @Override
    protected Iterator<T> compute(Partition partition, TaskContext context) {
        UnionPartition union = (UnionPartition) partition;
        return parents.get(union.parent()).iterator(union.parentPartition(), context);
    }

    @Override
    public List<String> preferredHosts(Partition partition) {
        if (isCheckpointed()) {
            return super.preferredHosts(partition);
        }
        UnionPartition union = (UnionPartition) partition;
        return parents.get(union.parent()).preferredHosts(union.parentPartition());
    }
}
