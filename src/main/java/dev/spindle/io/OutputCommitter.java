package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.CommitDeniedException;
import dev.spindle.plan.TaskContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * The commit protocol of save actions, on any Hadoop FileSystem. Each task attempt writes into a directory of its
 * own under {@code OUT/_temporary/JOB/}, named by its stage attempt, partition and attempt, so that no two attempts
 * ever share one. It then asks the driver for permission to commit (see {@link dev.spindle.plan.CommitArbiter}): the
 * first attempt of a partition to ask keeps its directory and returns its name as the task's result; any other
 * deletes its directory and ends as denied. Job commit moves the part files of exactly the attempts whose results the
 * job took into {@code OUT}, in partition order, and writes {@code _SUCCESS}. A failed or denied attempt leaves
 * nothing behind; a failed job leaves no output directory it created.
 *
 * <p>Serializable: it travels to executors inside the save job's task code, with the Hadoop configuration as
 * its overrides.
 */
public final class OutputCommitter implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Least buffer of the part files' streams, ours and the file system's: with Hadoop's default
     * (io.file.buffer.size, 4 KiB) the local file system's checksummer wrote every 4.5 KiB chunk with a system call
     * of its own. A larger io.file.buffer.size wins.
     */
    private static final int MIN_WRITE_BUFFER = 1 << 16;
    private static final org.apache.logging.log4j.Logger LOG =
            org.apache.logging.log4j.LogManager.getLogger(OutputCommitter.class);

    private final String output;
    private final String jobToken;
    private final RecordFormat format;
    private final Map<String, String> hadoopOverrides;
    private final boolean createdOutput;
    /** Where an overwritten output waits until the new one commits; empty when nothing was overwritten. */
    private final String replaced;

    private OutputCommitter(String output, String jobToken, RecordFormat format, Map<String, String> hadoopOverrides,
            boolean createdOutput, String replaced) {
        this.output = output;
        this.jobToken = jobToken;
        this.format = format;
        this.hadoopOverrides = hadoopOverrides;
        this.createdOutput = createdOutput;
        this.replaced = replaced;
    }

    /**
     * Prepares the output directory, on the driver, before any task runs: an existing directory is an error
     * unless {@code overwrite}, in which case it is moved aside (a hidden sibling) and deleted only once the new
     * output commits; a job that fails puts it back.
     */
    public static OutputCommitter setupJob(String outputPath, RecordFormat format, boolean overwrite, SpindleConf conf) {
        requireNonNull(outputPath, "outputPath is null");
        requireNonNull(format, "format is null");
        Configuration hadoop = HadoopConfs.from(conf);
        try {
            Path out = new Path(outputPath);
            FileSystem fs = out.getFileSystem(hadoop);
            out = fs.makeQualified(out);
            checkAvailable(out.toString(), overwrite, conf);
            String job = "job_" + UUID.randomUUID();
            String replaced = "";
            if (fs.exists(out)) {
                Path aside = new Path(out.getParent(), asidePrefix(out) + job);
                if (!fs.rename(out, aside)) {
                    throw new SpindleException(ErrorCode.IO_FAILURE, "cannot move the existing output " + out
                            + " aside to " + aside + " before overwriting it");
                }
                replaced = aside.toString();
            }
            if (!fs.mkdirs(new Path(out, "_temporary/" + job))) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot create " + out + "/_temporary/" + job);
            }
            return new OutputCommitter(out.toString(), job, format, HadoopConfs.overrides(hadoop), true, replaced);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot prepare output directory " + outputPath + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Throws the error {@link #setupJob} would throw for an existing {@code outputPath} without {@code overwrite},
     * before anything is touched or journaled.
     */
    public static void checkAvailable(String outputPath, boolean overwrite, SpindleConf conf) {
        if (overwrite) {
            return;
        }
        Path out = new Path(outputPath);
        try {
            if (out.getFileSystem(HadoopConfs.from(conf)).exists(out)) {
                throw new SpindleException(ErrorCode.OUTPUT_CONFLICT, "output directory " + out
                        + " already exists; delete it or set spindle.output.overwrite=true");
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot check output directory " + outputPath + ": "
                    + e.getMessage(), e);
        }
    }

    /** True when {@code outputPath} holds a committed job's output: its {@code _SUCCESS} marker exists. */
    public static boolean isCommitted(String outputPath, SpindleConf conf) {
        Path out = new Path(outputPath);
        try {
            return out.getFileSystem(HadoopConfs.from(conf)).exists(new Path(out, "_SUCCESS"));
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot check output directory " + outputPath + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Deletes the output directory an interrupted job left uncommitted. Recovery calls it only for a directory its
     * own application's earlier attempt journaled as started and never committed.
     */
    public static void deleteUncommitted(String outputPath, SpindleConf conf) {
        Path out = new Path(outputPath);
        try {
            FileSystem fs = out.getFileSystem(HadoopConfs.from(conf));
            if (fs.exists(new Path(out, "_SUCCESS"))) {
                throw SpindleException.internal("refusing to delete %s: it holds a committed output", outputPath);
            }
            if (fs.exists(out) && !fs.delete(out, true)) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot delete the uncommitted output " + out);
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot delete the uncommitted output " + outputPath
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Settles the outputs that an interrupted overwrite of {@code outputPath} moved aside (hidden siblings named
     * {@code .NAME.replaced-JOB}). Recovery calls it for an output its application's earlier attempt journaled as
     * started: when that output is {@code committed}, the replaced ones are deleted, as the commit would have; when
     * it is not (its partial output already deleted), the one replaced output is moved back, so that the rerun
     * overwrites it again and a failed rerun leaves it in place. Several replaced outputs are left alone and named in
     * a warning: which is the user's is not for this method to guess.
     */
    public static void settleReplaced(String outputPath, boolean committed, SpindleConf conf) {
        Path out = new Path(outputPath);
        try {
            FileSystem fs = out.getFileSystem(HadoopConfs.from(conf));
            String prefix = asidePrefix(out);
            FileStatus[] replaced = fs.listStatus(out.getParent(), path -> path.getName().startsWith(prefix));
            if (committed) {
                for (FileStatus aside : replaced) {
                    if (!fs.delete(aside.getPath(), true)) {
                        LOG.warn("Cannot delete {}, the output that the committed {} replaced", aside.getPath(), out);
                    }
                }
            } else if (replaced.length == 1 && !fs.exists(out)) {
                if (!fs.rename(replaced[0].getPath(), out)) {
                    throw new SpindleException(ErrorCode.IO_FAILURE, "cannot move the output that an interrupted "
                            + "overwrite replaced back from " + replaced[0].getPath() + " to " + out);
                }
                LOG.info("Moved the output that an interrupted overwrite replaced back from {} to {}",
                        replaced[0].getPath(), out);
            } else if (replaced.length > 1) {
                LOG.warn("{} outputs replaced by interrupted overwrites of {} are left as they are: {}",
                        replaced.length, out, java.util.Arrays.stream(replaced).map(f -> f.getPath().toString())
                                .toList());
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot look for the outputs that an interrupted "
                    + "overwrite of " + outputPath + " replaced: " + e.getMessage(), e);
        }
    }

    private static String asidePrefix(Path out) {
        return "." + out.getName() + ".replaced-";
    }

    /** {@code outputPath} qualified by its file system, as the journal records it. */
    public static String qualify(String outputPath, SpindleConf conf) {
        Path out = new Path(outputPath);
        try {
            return out.getFileSystem(HadoopConfs.from(conf)).makeQualified(out).toString();
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot resolve output path " + outputPath + ": "
                    + e.getMessage(), e);
        }
    }

    private Path jobDir() {
        return new Path(output, "_temporary/" + jobToken);
    }

    private FileSystem fs() throws IOException {
        return new Path(output).getFileSystem(HadoopConfs.fromOverrides(hadoopOverrides));
    }

    /**
     * Writes {@code records} as the part file of the partition {@code context} computes, in the attempt's own
     * directory, then commits the attempt if the driver allows it. Returns the name of the committed attempt
     * directory, for {@link #commitJob}. On failure, and when the driver denies the commit, the attempt's files are
     * deleted; a denied attempt throws {@link CommitDeniedException}.
     */
    public String writePartition(Iterator<?> records, TaskContext context) {
        TaskAttemptId id = context.attemptId();
        String name = attemptDirName(id);
        Path attemptDir = new Path(jobDir(), name);
        try {
            FileSystem fs = fs();
            try {
                write(fs, attemptDir, id.partition(), records, context);
                if (!context.canCommit()) {
                    throw new CommitDeniedException(id, output);
                }
            } catch (RuntimeException | IOException e) { // failed, denied, or the driver could not be asked
                discard(fs, attemptDir, e);
                throw e;
            }
            return name;
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot write partition " + id.partition() + " of "
                    + output + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes what an attempt that does not commit wrote. An attempt that outlived its job (a killed attempt of a
     * replaced stage attempt that went on writing) finds the output committed: writing, it made the job's temporary
     * directory again, which it then deletes, with {@code _temporary} once that is empty (another job writing the
     * same output may be using it).
     */
    private void discard(FileSystem fs, Path attemptDir, Exception cause) {
        try {
            fs.delete(attemptDir, true);
            Path temporary = jobDir().getParent();
            if (fs.exists(new Path(output, "_SUCCESS")) && fs.delete(jobDir(), true)
                    && fs.listStatus(temporary).length == 0) {
                fs.delete(temporary, false);
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Unique per stage attempt and task attempt: counters restart with each stage attempt, so both are in it. */
    static String attemptDirName(TaskAttemptId id) {
        return "_attempt_" + id.stageId() + "." + id.stageAttempt() + "_" + id.partition() + "." + id.attempt();
    }

    private long write(FileSystem fs, Path attemptDir, int partition, Iterator<?> records, TaskContext context)
            throws IOException {
        Configuration hadoop = fs.getConf();
        int buffer = Math.max(MIN_WRITE_BUFFER, hadoop.getInt("io.file.buffer.size", MIN_WRITE_BUFFER));
        long count = 0;
        Path file;
        if (format instanceof RecordFormat.Text text) {
            CompressionCodec codec = text.codecClassName() == null ? null : codec(text.codecClassName(), hadoop);
            file = new Path(attemptDir, String.format("part-%05d", partition)
                    + (codec == null ? "" : codec.getDefaultExtension()));
            OutputStream raw = fs.create(file, false, buffer);
            OutputStream stream = codec == null ? raw : codec.createOutputStream(raw);
            try (OutputStream out = new BufferedOutputStream(stream, buffer)) {
                while (records.hasNext()) {
                    Object record = records.next();
                    if (record instanceof Pair<?, ?> pair) {
                        out.write(String.valueOf(pair.key()).getBytes(StandardCharsets.UTF_8));
                        out.write('\t');
                        out.write(String.valueOf(pair.value()).getBytes(StandardCharsets.UTF_8));
                    } else {
                        out.write(String.valueOf(record).getBytes(StandardCharsets.UTF_8));
                    }
                    out.write('\n');
                    count++;
                }
            }
        } else {
            Schema schema = new Schema.Parser().parse(((RecordFormat.Avro) format).schemaJson());
            file = new Path(attemptDir, String.format("part-%05d.avro", partition));
            try (DataFileWriter<Object> out = new DataFileWriter<>(new SpecificDatumWriter<>(schema))) {
                out.create(schema, fs.create(file, false, buffer));
                while (records.hasNext()) {
                    out.append(records.next());
                    count++;
                }
            }
        }
        context.metrics().addRecordsWritten(count);
        context.metrics().addBytesWritten(fs.getFileStatus(file).getLen());
        return count;
    }

    static CompressionCodec codec(String className, Configuration hadoop) {
        try {
            Class<?> type = Class.forName(className.contains(".") ? className
                    : "org.apache.hadoop.io.compress." + className, true, OutputCommitter.class.getClassLoader());
            return (CompressionCodec) ReflectionUtils.newInstance(type, hadoop);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw SpindleException.invalidArgument("%s is not a Hadoop compression codec class; use for example "
                    + "org.apache.hadoop.io.compress.GzipCodec or BZip2Codec", className);
        }
    }

    /**
     * On the driver after every task succeeded: moves the part files of {@code committed} (partition p's committed
     * attempt directory at index p, as {@link #writePartition} returned it) into place and writes {@code _SUCCESS}.
     * Any other attempt's directory is deleted with {@code _temporary}.
     */
    public void commitJob(List<String> committed) {
        try {
            FileSystem fs = fs();
            Path out = new Path(output);
            for (int p = 0; p < committed.size(); p++) {
                Path attemptDir = new Path(jobDir(), requireNonNull(committed.get(p), "committed attempt is null"));
                if (!fs.exists(attemptDir)) {
                    throw SpindleException.internal("partition %d of %s: the directory %s of its committed attempt is "
                            + "gone", p, output, attemptDir);
                }
                for (FileStatus file : fs.listStatus(attemptDir)) {
                    Path target = new Path(out, file.getPath().getName());
                    if (!fs.rename(file.getPath(), target)) {
                        throw new SpindleException(ErrorCode.IO_FAILURE, "cannot move " + file.getPath() + " to " + target);
                    }
                }
            }
            fs.delete(new Path(out, "_temporary"), true);
            fs.create(new Path(out, "_SUCCESS"), true).close();
            if (!replaced.isEmpty() && !fs.delete(new Path(replaced), true)) {
                LOG.warn("The new output {} is committed, but the one it replaced, moved to {}, could not be deleted",
                        out, replaced);
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot commit output " + output + ": " + e.getMessage(), e);
        }
    }

    /** After a failed job: removes everything the job wrote, and the output directory if the job created it. */
    public void abortJob(Throwable cause) {
        try {
            FileSystem fs = fs();
            Path out = new Path(output);
            fs.delete(new Path(out, "_temporary"), true);
            if (createdOutput && fs.exists(out) && fs.listStatus(out).length == 0) {
                fs.delete(out, true);
            }
            if (!replaced.isEmpty()) {
                // The overwritten output comes back: a failed job loses nothing.
                fs.delete(out, true);
                if (!fs.rename(new Path(replaced), out)) {
                    cause.addSuppressed(new IOException("cannot move the previous output back from " + replaced
                            + " to " + out));
                }
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    public String output() {
        return output;
    }
}
