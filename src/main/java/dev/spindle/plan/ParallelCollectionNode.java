package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import dev.spindle.serde.DefaultRecordSerializer;
import dev.spindle.serde.RecordSerializer;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A driver-side list cut into slices; each partition carries its slice to the executor. */
public final class ParallelCollectionNode<T> extends Node<T> {
    private static final long serialVersionUID = 1L;
    private static final RecordSerializer RECORDS = new DefaultRecordSerializer();

    private final transient List<T> data;
    private final int numSlices;

    /**
     * One slice of the list. It travels as {@link EncodedSlice}: the record serializer's fast paths make a slice of
     * boxed numbers or strings several times smaller and faster to ship than Java serialization of the list.
     */
    public record Slice<T>(int index, ArrayList<T> values) implements Partition {
        private static final long serialVersionUID = 1L;

        private Object writeReplace() throws ObjectStreamException {
            try {
                return new EncodedSlice(index, RECORDS.toBytesAll(values));
            } catch (RuntimeException e) {
                throw new InvalidObjectException("cannot encode partition " + index + " of a parallelized list: " + e);
            }
        }
    }

    /** The serialized form of a {@link Slice}. */
    private record EncodedSlice(int index, byte[] records) implements Serializable {
        private static final long serialVersionUID = 1L;

        private Object readResolve() throws ObjectStreamException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            try {
                return new Slice<>(index, RECORDS.fromBytesAll(records,
                        loader != null ? loader : EncodedSlice.class.getClassLoader()));
            } catch (RuntimeException e) {
                throw new InvalidObjectException("cannot decode partition " + index + " of a parallelized list: " + e);
            }
        }
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
