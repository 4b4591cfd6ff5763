package dev.spindle.plan;

import dev.spindle.common.SpindleException;
import java.util.List;

/** Child partitions {@code [outStart, outStart + length)} read parent partitions from {@code inStart} (union). */
public final class RangeDependency<T> extends NarrowDependency<T> {
    private static final long serialVersionUID = 1L;

    private final int inStart;
    private final int outStart;
    private final int length;

    public RangeDependency(Node<T> parent, int inStart, int outStart, int length) {
        super(parent);
        SpindleException.checkArgument(inStart >= 0 && outStart >= 0 && length >= 0,
                "range dependency bounds must not be negative: in %d, out %d, length %d", inStart, outStart, length);
        this.inStart = inStart;
        this.outStart = outStart;
        this.length = length;
    }

    @Override
    public List<Integer> parentPartitions(int childPartition) {
        if (childPartition >= outStart && childPartition < outStart + length) {
            return List.of(childPartition - outStart + inStart);
        }
        return List.of();
    }
}
