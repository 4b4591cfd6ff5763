package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import org.apache.avro.file.SeekableInput;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An Avro {@link SeekableInput} over a Hadoop {@link FSDataInputStream} (Avro's own {@code FsInput} lives in
 * {@code avro-mapred}, which Spindle does not use). Counts the bytes it reads.
 */
public final class HadoopSeekableInput implements SeekableInput {
    private final FSDataInputStream in;
    private final long length;
    private long bytesRead;

    public HadoopSeekableInput(FSDataInputStream in, long length) {
        this.in = requireNonNull(in, "in is null");
        this.length = length;
    }

    /** Opens {@code path} on its file system. */
    public static HadoopSeekableInput open(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        long length = fs.getFileStatus(path).getLen();
        return new HadoopSeekableInput(fs.open(path), length);
    }

    @Override
    public void seek(long p) throws IOException {
        in.seek(p);
    }

    @Override
    public long tell() throws IOException {
        return in.getPos();
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            bytesRead += n;
        }
        return n;
    }

    /** Bytes returned by {@link #read} so far. */
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
