package dev.spindle.plan;

import java.util.List;

/** Each child partition reads a fixed, small set of parent partitions; no shuffle, same stage. */
public abstract class NarrowDependency<T> extends Dependency<T> {
    private static final long serialVersionUID = 1L;

    protected NarrowDependency(Node<T> parent) {
        super(parent);
    }

    /** The parent partitions that child partition {@code childPartition} reads. */
    public abstract List<Integer> parentPartitions(int childPartition);
}
