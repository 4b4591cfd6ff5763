package dev.spindle.recovery;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.IndexPartition;
import dev.spindle.plan.Node;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.Partition;
import dev.spindle.plan.Partitioner;
import dev.spindle.plan.TaskContext;
import dev.spindle.serde.RecordSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A dataset read back from its checkpoint files; it has no parents. */
public final class CheckpointNode<T> extends Node<T> {
    private static final long serialVersionUID = 1L;

    private final String dir;
    private final int nodeId;
    private final int numPartitions;
    private final Partitioner partitioner;
    private final String serializerClass;
    private final SpindleConf conf;

    public CheckpointNode(NodeInfo info, String dir, int nodeId, int numPartitions, Optional<Partitioner> partitioner,
            String serializerClass, SpindleConf conf) {
        super(info, List.of());
        this.dir = requireNonNull(dir, "dir is null");
        this.nodeId = nodeId;
        this.numPartitions = numPartitions;
        this.partitioner = partitioner.orElse(null);
        this.serializerClass = requireNonNull(serializerClass, "serializerClass is null");
        this.conf = requireNonNull(conf, "conf is null");
    }

    @Override
    protected List<Partition> computePartitions() {
        List<Partition> result = new ArrayList<>(numPartitions);
        for (int i = 0; i < numPartitions; i++) {
            result.add(new IndexPartition(i));
        }
        return result;
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return Optional.ofNullable(partitioner);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Iterator<T> compute(Partition partition, TaskContext context) {
        Path file = CheckpointFiles.partitionFile(dir, nodeId, partition.index());
        RecordSerializer serializer = CheckpointFiles.serializer(serializerClass);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        DataFileStream<CheckpointEntry> entries;
        try {
            FileSystem fs = CheckpointFiles.fileSystem(file, conf);
            if (!fs.exists(file)) {
                throw new SpindleException(ErrorCode.INVALID_INPUT, "checkpoint file " + file + " of dataset " + nodeId
                        + " (" + info() + ") is missing; was the checkpoint directory deleted while the job ran?");
            }
            InputStream in = fs.open(file);
            entries = new DataFileStream<>(in, new SpecificDatumReader<>(CheckpointEntry.class));
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot open checkpoint file " + file + ": " + e.getMessage(),
                    e);
        }
        context.onCompletion(() -> close(entries));
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                boolean more = entries.hasNext();
                if (!more) {
                    close(entries);
                }
                return more;
            }

            @Override
            public T next() {
                if (!entries.hasNext()) {
                    throw new NoSuchElementException();
                }
                CheckpointEntry entry = entries.next();
                byte[] bytes = new byte[entry.getData().remaining()];
                entry.getData().duplicate().get(bytes);
                context.metrics().addRecordsRead(1);
                return (T) serializer.fromBytes(bytes, loader);
            }
        };
    }

    private static void close(DataFileStream<?> stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // Read-only stream; nothing was lost.
        }
    }
}
