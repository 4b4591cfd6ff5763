package dev.spindle.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Bytes {@code [start, end)} of an open file, as a stream that also names its file and position: a block server
 * sends what remains of it straight from the file to a socket ({@link FileChannel#transferTo}, no copy through the
 * heap) when the socket allows it, and reads it as a stream otherwise. Closing it closes the file.
 */
public final class FileSegmentStream extends InputStream {
    private final FileChannel file;
    private final long end;
    private long position;
    /** For {@link #read()}. */
    private final byte[] one = new byte[1];

    public FileSegmentStream(FileChannel file, long start, long end) {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad segment [" + start + ", " + end + ")");
        }
        this.file = file;
        this.position = start;
        this.end = end;
    }

    /** The file; its own position is not used. */
    public FileChannel file() {
        return file;
    }

    /** Where the next byte comes from. */
    public long position() {
        return position;
    }

    /** Bytes left. */
    public long remaining() {
        return end - position;
    }

    /** Moves past {@code n} bytes sent some other way (at most {@link #remaining()}). */
    public void advance(long n) {
        if (n < 0 || n > remaining()) {
            throw new IllegalArgumentException("cannot advance " + n + " bytes with " + remaining() + " left");
        }
        position += n;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        int n = file.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, end - position)), position);
        if (n < 0) {
            throw new IOException("the file ended " + (end - position) + " bytes before its segment's end");
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, remaining()));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining());
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
