package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.plan.Node;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.Partition;
import dev.spindle.plan.TaskContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The records of Avro container files on any Hadoop FileSystem, one partition per byte range (see
 * {@link FileSplits}). A range reads the blocks whose sync marker lies inside it: the reader syncs to the
 * first marker at or after the range start and stops once past the range end, so each block is read by
 * exactly one range. Records are {@link GenericRecord}s, or instances of a generated specific class.
 *
 * @param <T> {@link GenericRecord} or the specific record class
 */
public final class AvroFileNode<T> extends Node<T> {
    private static final long serialVersionUID = 1L;
    private static final int METRICS_EVERY = 1024;

    private final String paths;
    private final int minPartitions;
    private final SpindleConf conf;
    /** The listed input files' signature, from the listing that made the splits (see {@link #inputSignature}). */
    private transient volatile List<String> signature = List.of();
    private final Class<T> specificClass;

    private AvroFileNode(NodeInfo info, String paths, int minPartitions, SpindleConf conf, Class<T> specificClass) {
        super(info, List.of());
        this.paths = requireNonNull(paths, "paths is null");
        this.conf = requireNonNull(conf, "conf is null");
        SpindleException.checkArgument(minPartitions > 0, "minPartitions=%d must be positive", minPartitions);
        this.minPartitions = minPartitions;
        this.specificClass = specificClass;
    }

    /** Reads records as {@link GenericRecord}s with each file's writer schema. */
    public static AvroFileNode<GenericRecord> generic(NodeInfo info, String paths, int minPartitions,
            SpindleConf conf) {
        return new AvroFileNode<>(info, paths, minPartitions, conf, null);
    }

    /** Reads records as instances of the Avro-generated class {@code type}. */
    public static <T extends SpecificRecord> AvroFileNode<T> specific(NodeInfo info, String paths, int minPartitions,
            SpindleConf conf, Class<T> type) {
        return new AvroFileNode<>(info, paths, minPartitions, conf, requireNonNull(type, "type is null"));
    }

    @Override
    public List<String> inputPaths() {
        return FileSplits.splitPaths(paths);
    }

    /** The files as listed for this node's splits: what its tasks read. */
    @Override
    public List<String> inputSignature() {
        partitions();
        return signature;
    }

    @Override
    protected List<Partition> computePartitions() {
        Configuration hadoop = HadoopConfs.from(conf);
        List<FileStatus> files = FileSplits.listFiles(paths, hadoop);
        signature = FileSplits.signature(files);
        return new ArrayList<>(FileSplits.plan(files, minPartitions, conf.get(SpindleConfig.FILES_MAX_PARTITION_BYTES),
                path -> true, hadoop));
    }

    @Override
    public List<String> preferredHosts(Partition partition) {
        if (isCheckpointed()) {
            return super.preferredHosts(partition);
        }
        return ((FileSplitPartition) partition).hosts();
    }

    @Override
    protected Iterator<T> compute(Partition partition, TaskContext context) {
        FileSplitPartition split = (FileSplitPartition) partition;
        HadoopSeekableInput input = null;
        DataFileReader<T> reader;
        try {
            input = HadoopSeekableInput.open(new Path(split.path()), HadoopConfs.from(conf));
            reader = new DataFileReader<>(input, datumReader());
            reader.sync(split.start());
        } catch (IOException | RuntimeException e) {
            SpindleException failure = new SpindleException(ErrorCode.INVALID_INPUT,
                    "cannot open Avro file split " + split + ": " + e, e);
            closeQuietly(input, failure);
            throw failure;
        }
        RecordIterator records = new RecordIterator(reader, input, split, context);
        context.onCompletion(records::close);
        return records;
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> datumReader() {
        if (specificClass == null) {
            return (DatumReader<T>) new GenericDatumReader<GenericRecord>();
        }
        return new SpecificDatumReader<>(specificClass);
    }

    private static void closeQuietly(HadoopSeekableInput input, Exception failure) {
        if (input != null) {
            try {
                input.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Records of one split; closes the file at the end of the split or when the task completes. */
    private final class RecordIterator implements Iterator<T> {
        private final DataFileReader<T> reader;
        private final HadoopSeekableInput input;
        private final FileSplitPartition split;
        private final TaskContext context;
        private boolean closed;
        private long reportedBytes;
        private long unreported;

        RecordIterator(DataFileReader<T> reader, HadoopSeekableInput input, FileSplitPartition split,
                TaskContext context) {
            this.reader = reader;
            this.input = input;
            this.split = split;
            this.context = context;
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            try {
                if (reader.hasNext() && !reader.pastSync(split.end())) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw new SpindleException(ErrorCode.INVALID_INPUT, "cannot read Avro file split " + split + ": " + e,
                        e);
            }
            close();
            return false;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("end of split " + split);
            }
            T record;
            try {
                record = reader.next();
            } catch (RuntimeException e) {
                close();
                throw new SpindleException(ErrorCode.INVALID_INPUT, "cannot read Avro file split " + split + ": " + e,
                        e);
            }
            if (++unreported == METRICS_EVERY) {
                reportMetrics();
                if (context.isKilled()) {
                    close();
                    throw new SpindleException(ErrorCode.CANCELLED, "task reading " + split + " was killed");
                }
            }
            return record;
        }

        private void reportMetrics() {
            context.metrics().addRecordsRead(unreported);
            unreported = 0;
            context.metrics().addBytesRead(input.bytesRead() - reportedBytes);
            reportedBytes = input.bytesRead();
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            reportMetrics();
            try {
                reader.close();
            } catch (IOException e) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot close Avro file split " + split + ": " + e, e);
            }
        }
    }
}
