package dev.spindle.recovery;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.io.HadoopConfs;
import dev.spindle.plan.CommitDeniedException;
import dev.spindle.plan.TaskContext;
import dev.spindle.serde.RecordSerializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reliable checkpoints: each partition of a checkpointed dataset becomes one Avro container file of
 * {@link CheckpointEntry} records (each element serialized by the application's record serializer) under
 * {@code DIR/node-ID/part-NNNNN.ckpt}, on any Hadoop FileSystem.
 */
public final class CheckpointFiles {
    private CheckpointFiles() {
    }

    static Path partitionFile(String dir, int nodeId, int partition) {
        return new Path(dir, "node-" + nodeId + "/" + String.format("part-%05d.ckpt", partition));
    }

    static RecordSerializer serializer(String className) {
        try {
            return (RecordSerializer) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw SpindleException.internal("cannot create record serializer %s (it needs a public no-argument "
                    + "constructor): %s", className, e);
        }
    }

    /**
     * Writes one partition: a temp file of the attempt's own, renamed over the partition's file once the driver allows
     * the attempt to commit (see {@link dev.spindle.plan.CommitArbiter}), so that a second attempt of the partition
     * never deletes the file the first one committed. Returns the number of records written. A failed or denied
     * attempt deletes its temp file.
     */
    public static long writePartition(String dir, int nodeId, int partition, Iterator<?> records,
            String serializerClass, TaskContext context) {
        RecordSerializer serializer = serializer(serializerClass);
        Path target = partitionFile(dir, nodeId, partition);
        Path temp = new Path(target.getParent(), "_tmp-" + target.getName() + "-" + context.attemptId().taskId());
        try {
            FileSystem fs = target.getFileSystem(HadoopConfs.from(context.conf()));
            long count = 0;
            try {
                try (DataFileWriter<CheckpointEntry> out = new DataFileWriter<>(
                        new SpecificDatumWriter<>(CheckpointEntry.class))) {
                    out.create(CheckpointEntry.getClassSchema(), fs.create(temp, true));
                    while (records.hasNext()) {
                        out.append(new CheckpointEntry(ByteBuffer.wrap(serializer.toBytes(records.next()))));
                        count++;
                    }
                }
                if (!context.canCommit()) {
                    throw new CommitDeniedException(context.attemptId(), target.toString());
                }
            } catch (IOException | RuntimeException e) {
                try {
                    fs.delete(temp, false);
                } catch (IOException deleting) {
                    e.addSuppressed(deleting);
                }
                throw e;
            }
            fs.delete(target, false);
            if (!fs.rename(temp, target)) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot move checkpoint file " + temp + " to " + target);
            }
            context.metrics().addRecordsWritten(count);
            return count;
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot write checkpoint partition " + partition
                    + " of dataset " + nodeId + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** True when every one of the {@code numPartitions} partition files of dataset {@code nodeId} is in {@code dir}. */
    public static boolean complete(String dir, int nodeId, int numPartitions, SpindleConf conf) {
        try {
            FileSystem fs = fileSystem(new Path(dir), conf);
            for (int p = 0; p < numPartitions; p++) {
                if (!fs.exists(partitionFile(dir, nodeId, p))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot list the checkpoint of dataset " + nodeId + " in "
                    + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code root/<applicationId>}: every checkpoint of the application. */
    public static void deleteApplicationDir(String root, String applicationId, SpindleConf conf) {
        Path dir = new Path(root, applicationId);
        try {
            fileSystem(dir, conf).delete(dir, true);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot delete checkpoint directory " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    static FileSystem fileSystem(Path path, SpindleConf conf) throws IOException {
        return path.getFileSystem(HadoopConfs.from(conf));
    }
}
