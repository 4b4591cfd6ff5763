package dev.spindle.plan;

import dev.spindle.common.SpindleException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The longs {@code start, start + step, ...} below {@code end} (above, for a negative step), generated in place. */
public final class RangeNode extends Node<Long> {
    private static final long serialVersionUID = 1L;

    private final long start;
    private final long end;
    private final long step;
    private final int numSlices;

    /** Elements {@code [first, first + count * step)} of the range. */
    record RangeSlice(int index, long first, long count, long step) implements Partition {
    }

    public RangeNode(NodeInfo info, long start, long end, long step, int numSlices) {
        super(info, List.of());
        SpindleException.checkArgument(step != 0, "range step must not be 0");
        SpindleException.checkArgument(numSlices > 0, "range needs a positive number of partitions, got %d", numSlices);
        this.start = start;
        this.end = end;
        this.step = step;
        this.numSlices = numSlices;
    }

    private long size() {
        if ((step > 0 && start >= end) || (step < 0 && start <= end)) {
            return 0;
        }
        long span = Math.abs(end - start);
        long absStep = Math.abs(step);
        return (span + absStep - 1) / absStep;
    }

    @Override
    protected List<Partition> computePartitions() {
        long size = size();
        List<Partition> slices = new ArrayList<>(numSlices);
        for (int i = 0; i < numSlices; i++) {
            long from = i * size / numSlices;
            long to = (i + 1) * size / numSlices;
            slices.add(new RangeSlice(i, start + from * step, to - from, step));
        }
        return slices;
    }

    @Override
    protected Iterator<Long> compute(Partition partition, TaskContext context) {
        RangeSlice slice = (RangeSlice) partition;
        context.metrics().addRecordsRead(slice.count());
        return new Iterator<>() {
            private long produced;

            @Override
            public boolean hasNext() {
                return produced < slice.count();
            }

            @Override
            public Long next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return slice.first() + slice.step() * produced++;
            }
        };
    }
}
