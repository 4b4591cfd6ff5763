package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.Aggregator;
import dev.spindle.plan.Partitioner;
import dev.spindle.plan.ShuffleDependency;
import dev.spindle.plan.TaskContext;
import dev.spindle.serde.RecordOutput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.storage.LocalDirWriteFailure;
import dev.spindle.storage.MemoryManager;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;

/**
 * Writes one map task's output for a shuffle: records are bucketed by reduce partition (combined by key when
 * the dependency asks for map-side combine), spilled to disk when execution memory runs out, and finally
 * written into one data file with an index of partition offsets.
 *
 * <p>Without map-side combine and with at most {@link #BYPASS_MAX_PARTITIONS} reduce partitions (a sort's or a
 * join's map side), records are not held at all: each is serialized at once into a file of its partition, and
 * the files are concatenated into the data file at the end. Holding a map task's records (a million of them for
 * a 32 MB split) kept them alive across young collections, so the collector copied and promoted them; streaming
 * them costs one more sequential copy of the bytes instead, and needs no execution memory.
 *
 * <p>Map-side combine gives up when it does not pay, with as many partitions: if the first
 * {@link #COMBINE_PROBE_RECORDS} records hold more than {@link #COMBINE_GIVE_UP_RATIO} distinct keys per record
 * (a {@code distinct} of unique data, a {@code reduceByKey} over unique keys), what the table holds and every later
 * record, as a one-value combiner, stream to the partition files instead. The reduce side combines everything
 * anyway; a table of millions of keys that never combine only fills the old generation.
 */
public final class SortShuffleWriter {
    /** Most reduce partitions for which a map task keeps one open file per partition (Spark's default too). */
    static final int BYPASS_MAX_PARTITIONS = 200;
    /** Records a map-side combine sees before it decides whether combining pays. */
    static final int COMBINE_PROBE_RECORDS = 100_000;
    /** Distinct keys per record above which map-side combine stops (Trino's adaptive partial aggregation: 0.8). */
    static final double COMBINE_GIVE_UP_RATIO = 0.8;

    private final ShuffleDependency<?, ?, ?> dependency;
    private final int mapPartition;
    private final long mapTaskId;
    private final TaskContext context;
    private final MemoryManager memory;
    private final RecordSerializer serializer;
    private final ShuffleFiles files;
    private final ExecutorId location;
    private final String host;
    private final int port;

    public SortShuffleWriter(ShuffleDependency<?, ?, ?> dependency, int mapPartition, long mapTaskId,
            TaskContext context, MemoryManager memory, RecordSerializer serializer, ShuffleFiles files,
            ExecutorId location, String host, int port) {
        this.dependency = requireNonNull(dependency, "dependency is null");
        this.mapPartition = mapPartition;
        this.mapTaskId = mapTaskId;
        this.context = requireNonNull(context, "context is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.serializer = requireNonNull(serializer, "serializer is null");
        this.files = requireNonNull(files, "files is null");
        this.location = requireNonNull(location, "location is null");
        this.host = requireNonNull(host, "host is null");
        this.port = port;
    }

    /** Writes all {@code records}; returns where they are and how many bytes each reduce partition got. */
    public MapStatus write(Iterator<? extends Pair<?, ?>> records) {
        Partitioner partitioner = dependency.partitioner();
        int numPartitions = partitioner.numPartitions();
        if (!dependency.mapSideCombine() && numPartitions <= BYPASS_MAX_PARTITIONS) {
            return writeBypassing(records, partitioner, numPartitions, null);
        }
        SpillableBuckets.Mode mode = dependency.mapSideCombine() ? SpillableBuckets.Mode.COMBINING
                : SpillableBuckets.Mode.PLAIN;
        boolean mayGiveUp = dependency.mapSideCombine() && numPartitions <= BYPASS_MAX_PARTITIONS;
        Path tempData = files.tempFile("data");
        try (SpillableBuckets<Object> buckets = new SpillableBuckets<>(partitioner, mode, null,
                dependency.aggregator().orElse(null), false, context, memory, serializer, files)) {
            if (!insertAll(records, buckets, mayGiveUp)) {
                return writeBypassing(records, partitioner, numPartitions, buckets);
            }
            long[] offsets = new long[numPartitions + 1];
            long written = 0;
            try (CountingOutputStream out = new CountingOutputStream(Files.newOutputStream(tempData))) {
                for (int p = 0; p < numPartitions; p++) {
                    Iterator<Pair<Object, Object>> partition = buckets.partition(p);
                    if (partition.hasNext()) {
                        RecordOutput records2 = serializer.newOutput(new NonClosing(out));
                        while (partition.hasNext()) {
                            Pair<Object, Object> record = partition.next();
                            records2.write(record.key());
                            records2.write(record.value());
                            written++;
                        }
                        records2.flush();
                    }
                    offsets[p + 1] = out.count();
                }
            }
            return commit(tempData, offsets, written);
        } catch (IOException e) {
            throw writeFailure(e);
        } finally {
            deleteQuietly(tempData);
        }
    }

    /**
     * Inserts {@code records} into {@code buckets}: true when all went in, false when map-side combine gave up
     * ({@code mayGiveUp} and too few repeated keys), leaving the rest of {@code records} unread.
     *
     * <p>A method of its own because it is the hot loop the JIT compiles with the whole upstream pipeline
     * inlined: the cold paths of writing the buckets out then have their own compiled code, and a first-time
     * branch there (the first spill, the first long string) does not throw away the compiled loop.
     */
    private static boolean insertAll(Iterator<? extends Pair<?, ?>> records, SpillableBuckets<Object> buckets,
            boolean mayGiveUp) {
        boolean probing = mayGiveUp;
        while (records.hasNext()) {
            Pair<?, ?> record = records.next();
            buckets.insert(record.key(), record.value());
            if (probing && buckets.inserted() == COMBINE_PROBE_RECORDS) {
                probing = false;
                if (!buckets.spilled() && buckets.entries() > COMBINE_GIVE_UP_RATIO * COMBINE_PROBE_RECORDS) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Moves the data file and its index into place; the map status says where they are. */
    private MapStatus commit(Path tempData, long[] offsets, long written) throws IOException {
        int numPartitions = offsets.length - 1;
        files.commit(dependency.shuffleId(), mapTaskId, tempData, offsets);
        context.metrics().addShuffleRecordsWritten(written);
        context.metrics().addShuffleBytesWritten(offsets[numPartitions]);
        long[] lengths = new long[numPartitions];
        for (int p = 0; p < numPartitions; p++) {
            lengths[p] = offsets[p + 1] - offsets[p];
        }
        return new MapStatus(location, host, port, mapPartition, mapTaskId, lengths);
    }

    private SpindleException writeFailure(IOException e) {
        return LocalDirWriteFailure.of("shuffle " + dependency.shuffleId() + " output of map " + mapPartition
                + " to", files.root(), e);
    }

    /**
     * Streams records to per-partition files. {@code combined}, when not null, is a map-side combine that gave up:
     * its combiners go first, and each later value goes as a combiner of its own.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private MapStatus writeBypassing(Iterator<? extends Pair<?, ?>> records, Partitioner partitioner,
            int numPartitions, SpillableBuckets<Object> combined) {
        Path[] partitionFiles = new Path[numPartitions];
        RecordOutput[] outputs = new RecordOutput[numPartitions];
        Path tempData = files.tempFile("data");
        Aggregator aggregator = combined == null ? null : dependency.aggregator().orElseThrow();
        long written = 0;
        try {
            try {
                if (combined != null) {
                    for (int p = 0; p < numPartitions; p++) {
                        Iterator<Pair<Object, Object>> partition = combined.partition(p);
                        while (partition.hasNext()) {
                            Pair<Object, Object> record = partition.next();
                            output(outputs, partitionFiles, p).write(record.key());
                            outputs[p].write(record.value());
                            written++;
                        }
                    }
                    combined.close();
                }
                while (records.hasNext()) {
                    Pair<?, ?> record = records.next();
                    int p = SpillableBuckets.checkedPartition(partitioner, numPartitions, record.key());
                    RecordOutput output = output(outputs, partitionFiles, p);
                    output.write(record.key());
                    output.write(aggregator == null ? record.value() : aggregator.create(record.value()));
                    written++;
                }
            } catch (RuntimeException | Error | IOException e) {
                try {
                    closeAll(outputs); // the task's own failure is what the user must see
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            closeAll(outputs);
            long[] offsets = new long[numPartitions + 1];
            try (FileChannel out = FileChannel.open(tempData, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (int p = 0; p < numPartitions; p++) {
                    long length = partitionFiles[p] == null ? 0 : append(partitionFiles[p], out);
                    offsets[p + 1] = offsets[p] + length;
                }
            }
            return commit(tempData, offsets, written);
        } catch (IOException e) {
            throw writeFailure(e);
        } finally {
            for (Path file : partitionFiles) {
                deleteQuietly(file);
            }
            deleteQuietly(tempData);
        }
    }

    /**
     * Appends {@code file} to {@code out}; its length. A channel transfer: the kernel copies the pages, where a
     * stream copy would move every byte through a Java buffer (5% of a sort's task time).
     */
    private static long append(Path file, FileChannel out) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            long done = 0;
            while (done < size) {
                long moved = in.transferTo(done, size - done, out);
                if (moved <= 0) {
                    throw new IOException("cannot append " + file + " to the shuffle data file: " + done + " of "
                            + size + " bytes moved");
                }
                done += moved;
            }
            return size;
        }
    }

    private RecordOutput output(RecordOutput[] outputs, Path[] partitionFiles, int p) throws IOException {
        if (outputs[p] == null) {
            partitionFiles[p] = files.tempFile("partition");
            outputs[p] = serializer.newOutput(Files.newOutputStream(partitionFiles[p]));
        }
        return outputs[p];
    }

    private static void closeAll(RecordOutput[] outputs) throws IOException {
        IOException failure = null;
        for (RecordOutput output : outputs) {
            if (output != null) {
                try {
                    output.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Best effort: the file is in the executor's local dir, deleted with it.
        }
    }

    /** Counts the bytes written through it. */
    static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }

    /** Lets a record output flush into a shared stream without closing it. */
    static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
