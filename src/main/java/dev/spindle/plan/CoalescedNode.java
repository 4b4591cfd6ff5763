package dev.spindle.plan;

import dev.spindle.common.SpindleException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Fewer partitions without a shuffle: child partition i reads a consecutive run of parent partitions. */
public final class CoalescedNode<T> extends Node<T> {
    private static final long serialVersionUID = 1L;

    record Group(int index, List<Partition> parents) implements Partition {
    }

    private final Node<T> parent;
    private final int numPartitions;

    public CoalescedNode(NodeInfo info, Node<T> parent, int numPartitions) {
        super(info, List.of(new CoalesceDependency<>(parent, numPartitions)));
        SpindleException.checkArgument(numPartitions > 0, "coalesce needs a positive partition count, got %d",
                numPartitions);
        this.parent = parent;
        this.numPartitions = numPartitions;
    }

    static int groupStart(int group, int groups, int parents) {
        return (int) ((long) group * parents / groups);
    }

    @Override
    protected List<Partition> computePartitions() {
        List<Partition> parentParts = parent.partitions();
        int groups = Math.min(numPartitions, Math.max(1, parentParts.size()));
        List<Partition> result = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            int from = groupStart(g, groups, parentParts.size());
            int to = groupStart(g + 1, groups, parentParts.size());
            result.add(new Group(g, List.copyOf(parentParts.subList(from, to))));
        }
        return result;
    }

    @Override
    protected Iterator<T> compute(Partition partition, TaskContext context) {
        List<Partition> parts = ((Group) partition).parents();
        return new Iterator<>() {
            private int next;
            private Iterator<T> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && next < parts.size()) {
                    current = parent.iterator(parts.get(next++), context);
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    @Override
    public List<String> preferredHosts(Partition partition) {
        if (isCheckpointed()) {
            return super.preferredHosts(partition);
        }
        List<Partition> parts = ((Group) partition).parents();
        return parts.isEmpty() ? List.of() : parent.preferredHosts(parts.get(0));
    }

    /** Child partition i reads the parent partitions of group i. */
    static final class CoalesceDependency<T> extends NarrowDependency<T> {
        private static final long serialVersionUID = 1L;
        private final int groups;

        CoalesceDependency(Node<T> parent, int groups) {
            super(parent);
            this.groups = groups;
        }

        @Override
        public List<Integer> parentPartitions(int childPartition) {
            int parents = parent().numPartitions();
            int effective = Math.min(groups, Math.max(1, parents));
            List<Integer> result = new ArrayList<>();
            for (int p = groupStart(childPartition, effective, parents);
                    p < groupStart(childPartition + 1, effective, parents); p++) {
                result.add(p);
            }
            return result;
        }
    }
}
