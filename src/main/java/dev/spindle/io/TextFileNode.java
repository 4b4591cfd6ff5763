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
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.LineRecordReader;
import org.apache.hadoop.util.functional.FutureIO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The lines of text files on any Hadoop FileSystem, one partition per file split (see {@link FileSplits}).
 * Lines end at {@code \n}, {@code \r\n} or {@code \r} (or at {@code spindle.hadoop.textinputformat.record.delimiter}
 * when set) and are decoded as UTF-8; a UTF-8 byte order mark at the start of a file is dropped.
 *
 * <p>A split that does not start at byte 0 skips its first (partial) line, and every split reads the line that
 * crosses its end, so each line is read exactly once: the rule of Hadoop's {@link LineRecordReader}, which reads
 * compressed files; {@link SplitLineReader} reads plain ones.
 * Compressed files are recognised by extension ({@link CompressionCodecFactory}); gzip and other
 * non-splittable codecs give one split per file, bzip2 splits like plain text.
 */
public final class TextFileNode extends Node<String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LogManager.getLogger(TextFileNode.class);
    private static final int METRICS_EVERY = 1024;
    private static final String RECORD_DELIMITER = "textinputformat.record.delimiter";
    private static final String MAX_LINE_LENGTH = "mapreduce.input.linerecordreader.line.maxlength";

    private final String paths;
    private final int minPartitions;
    private final SpindleConf conf;
    /** The listed input files' signature, from the listing that made the splits (see {@link #inputSignature}). */
    private transient volatile List<String> signature = List.of();

    public TextFileNode(NodeInfo info, String paths, int minPartitions, SpindleConf conf) {
        super(info, List.of());
        this.paths = requireNonNull(paths, "paths is null");
        this.conf = requireNonNull(conf, "conf is null");
        SpindleException.checkArgument(minPartitions > 0, "minPartitions=%d must be positive", minPartitions);
        this.minPartitions = minPartitions;
    }

    public String paths() {
        return paths;
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
        CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
        List<FileStatus> files = FileSplits.listFiles(paths, hadoop);
        signature = FileSplits.signature(files);
        return new ArrayList<>(FileSplits.plan(files, minPartitions, conf.get(SpindleConfig.FILES_MAX_PARTITION_BYTES),
                path -> isSplittable(codecs, path), hadoop));
    }

    private static boolean isSplittable(CompressionCodecFactory codecs, Path path) {
        CompressionCodec codec = codecs.getCodec(path);
        return codec == null || codec instanceof SplittableCompressionCodec;
    }

    @Override
    public List<String> preferredHosts(Partition partition) {
        if (isCheckpointed()) {
            return super.preferredHosts(partition);
        }
        return ((FileSplitPartition) partition).hosts();
    }

    @Override
    protected Iterator<String> compute(Partition partition, TaskContext context) {
        FileSplitPartition split = (FileSplitPartition) partition;
        LineSource source;
        try {
            source = open(split);
        } catch (CorruptCompressedInput e) {
            throw e.toSpindleException();
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.INVALID_INPUT, "cannot open " + split + ": " + e, e);
        }
        LineIterator lines = new LineIterator(source, split, context);
        context.onCompletion(lines::close);
        return lines;
    }

    /**
     * Plain text with the standard line ends is read by {@link SplitLineReader}. Compressed files, a custom
     * {@code textinputformat.record.delimiter} and a {@code mapreduce.input.linerecordreader.line.maxlength} (set
     * as {@code spindle.hadoop.<key>}, read the way Hadoop's {@code TextInputFormat} and Spark's {@code textFile}
     * read them) go to Hadoop's {@link LineRecordReader}. Both split the same way.
     */
    private LineSource open(FileSplitPartition split) throws IOException {
        Configuration hadoop = HadoopConfs.from(conf);
        Path path = new Path(split.path());
        String delimiter = hadoop.get(RECORD_DELIMITER);
        if (delimiter == null && hadoop.get(MAX_LINE_LENGTH) == null
                && new CompressionCodecFactory(hadoop).getCodec(path) == null) {
            long start = split.start();
            long end = start + split.length();
            // openFile, not open: object stores tune their reads to the split and a sequential policy.
            FSDataInputStream in = FutureIO.awaitFuture(path.getFileSystem(hadoop).openFile(path)
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY,
                            Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_SEQUENTIAL)
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_SPLIT_START, Long.toString(start))
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_SPLIT_END, Long.toString(end))
                    .opt(Options.OpenFileOptions.FS_OPTION_OPENFILE_BUFFER_SIZE,
                            Integer.toString(SplitLineReader.DEFAULT_BUFFER))
                    .build());
            try {
                in.seek(start);
                SplitLineReader reader = new SplitLineReader(in, start, end, SplitLineReader.DEFAULT_BUFFER,
                        (int) (long) conf.get(SpindleConfig.FILES_MAX_LINE_LENGTH), split.toString());
                return new LineSource() {
                    @Override
                    public String next() throws IOException {
                        return reader.next();
                    }

                    @Override
                    public long position() {
                        return reader.position();
                    }

                    @Override
                    public void close() throws IOException {
                        reader.close();
                    }
                };
            } catch (IOException | RuntimeException e) {
                try {
                    in.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
        CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(path);
        LineRecordReader reader;
        try {
            reader = new LineRecordReader(hadoop, new FileSplit(path, split.start(), split.length(), (String[]) null),
                    delimiter == null ? null : delimiter.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException | InternalError e) {
            throw CorruptCompressedInput.ifDecompressorFailed(e, path, codec, 0);
        }
        LongWritable key = reader.createKey();
        Text value = reader.createValue();
        return new LineSource() {
            private long lines;

            @Override
            public String next() throws IOException {
                // The JDK's decoder has an ASCII fast path that Text.toString's CharsetDecoder lacks; both replace
                // malformed input with U+FFFD.
                try {
                    if (!reader.next(key, value)) {
                        return null;
                    }
                } catch (IOException | RuntimeException | InternalError e) {
                    throw CorruptCompressedInput.ifDecompressorFailed(e, path, codec, lines);
                }
                lines++;
                return new String(value.getBytes(), 0, value.getLength(), StandardCharsets.UTF_8);
            }

            @Override
            public long position() throws IOException {
                return reader.getPos();
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** The lines of one split, whichever reader reads them. */
    private interface LineSource extends Closeable {
        /** The next line, or null after the last. */
        String next() throws IOException;

        /** Where reading is in the file, for the bytes-read metric. */
        long position() throws IOException;
    }

    /** Lines of one split; closes the reader at the end of the split or when the task completes. */
    private static final class LineIterator implements Iterator<String> {
        private final LineSource source;
        private final FileSplitPartition split;
        private final TaskContext context;
        private String line;
        private boolean closed;
        private long lastPos;
        private long unreported;

        LineIterator(LineSource source, FileSplitPartition split, TaskContext context) {
            this.source = source;
            this.split = split;
            this.context = context;
            this.lastPos = split.start();
        }

        @Override
        public boolean hasNext() {
            if (line != null) {
                return true;
            }
            if (closed) {
                return false;
            }
            try {
                line = source.next();
            } catch (CorruptCompressedInput e) {
                throw closeAfter(e.toSpindleException());
            } catch (IOException e) {
                throw closeAfter(new SpindleException(ErrorCode.INVALID_INPUT, "cannot read " + split + ": " + e, e));
            }
            if (line == null) {
                close();
                return false;
            }
            return true;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException("end of split " + split);
            }
            String next = line;
            line = null;
            if (++unreported == METRICS_EVERY) {
                reportMetrics();
                if (context.isKilled()) {
                    close();
                    throw new SpindleException(ErrorCode.CANCELLED, "task reading " + split + " was killed");
                }
            }
            return next;
        }

        private void reportMetrics() {
            context.metrics().addRecordsRead(unreported);
            unreported = 0;
            try {
                long pos = source.position();
                context.metrics().addBytesRead(Math.max(0, pos - lastPos));
                lastPos = pos;
            } catch (IOException e) {
                // The position only feeds metrics; reading itself reports real failures.
                LOG.debug("Cannot read the position in {} for metrics: {}", split, e.toString());
            }
        }

        /** Closes the reader after {@code failure}, which a failure to close must not hide. */
        private SpindleException closeAfter(SpindleException failure) {
            try {
                close();
            } catch (RuntimeException closing) {
                failure.addSuppressed(closing);
            }
            return failure;
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            reportMetrics();
            try {
                source.close();
            } catch (IOException e) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot close " + split + ": " + e, e);
            }
        }
    }
}
