package dev.spindle.plan;

import java.util.List;

/** Child partition i reads parent partition i (map, filter, mapPartitions, ...). */
public final class OneToOneDependency<T> extends NarrowDependency<T> {
    private static final long serialVersionUID = 1L;

    public OneToOneDependency(Node<T> parent) {
        super(parent);
    }

    @Override
    public List<Integer> parentPartitions(int childPartition) {
        return List.of(childPartition);
    }
}
