package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A driver-side list cut into slices; each partition carries its slice to the executor. */
public final class ParallelCollectionNode<T> extends Node<T> {
    private static final long serialVersionUID = 1L;

    private final transient List<T> data;
    private final int numSlices;

    /** One slice of the list. */
    public record Slice<T>(int index, ArrayList<T> values) implements Partition {
    }

    public ParallelCollectionNode(NodeInfo info, List<T> data, int numSlices) {
        super(info, List.of());
        this.data = requireNonNull(data, "data is null");
        dev.spindle.common.SpindleException.checkArgument(numSlices > 0,
                "parallelize needs a positive number of partitions, got %d", numSlices);
        this.numSlices = numSlices;
    }

    @Override
    protected List<Partition> computePartitions() {
        List<Partition> slices = new ArrayList<>(numSlices);
        long size = data.size();
        for (int i = 0; i < numSlices; i++) {
            int start = (int) (i * size / numSlices);
            int end = (int) ((i + 1) * size / numSlices);
            slices.add(new Slice<>(i, new ArrayList<>(data.subList(start, end))));
        }
        return slices;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Iterator<T> compute(Partition partition, TaskContext context) {
        List<T> values = ((Slice<T>) partition).values();
        context.metrics().addRecordsRead(values.size());
        return values.iterator();
    }
}
