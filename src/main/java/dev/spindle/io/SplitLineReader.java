package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of one split of an uncompressed text file, with the split rule of Hadoop's {@code LineRecordReader}: a
 * split that does not start at byte 0 skips everything up to and including the first line end at or after its
 * start, and a split reads every line that starts at or before its end (the last one runs past it). So every line
 * is read by exactly one split: a line starting exactly at a split boundary belongs to the split before it. Lines
 * end at {@code \n}, {@code \r\n} or {@code \r}; the end is not part of the line. A file's last line needs no line
 * end; an empty remainder after the last line end is no line. A UTF-8 byte order mark at byte 0 is dropped, as
 * Hadoop's reader drops it.
 *
 * <p>Hadoop's reader scans byte by byte through a 4 KiB buffer ({@code io.file.buffer.size}), copies each line
 * into a {@code Text}, and the caller then decodes that copy; this one scans a large buffer with one comparison per
 * byte for the common case and decodes each line straight from it, which halves the CPU that reading text costs
 * a word count or a sort. Compressed files, custom record delimiters and a maximum line length still go through
 * Hadoop's reader (see {@code TextFileNode}).
 *
 * <p>Not thread-safe: one task owns it.
 */
final class SplitLineReader implements Closeable {
    static final int DEFAULT_BUFFER = 256 << 10;
    /** The longest line held: a Java array's limit, with room for the line end. */
    private static final int MAX_LINE = Integer.MAX_VALUE - 16;
    private static final int MAX_EMPTY_READS = 1000;

    private final InputStream in;
    private final long end;
    /** The longest line read ({@code spindle.files.maxLineLength}), line end included. */
    private final int maxLine;
    private final String source;
    private byte[] buffer;
    /** File position of {@code buffer[0]}. */
    private long bufferStart;
    /** Next unread byte in the buffer; bytes {@code [0, limit)} hold data. */
    private int next;
    private int limit;
    private boolean eof;
    private boolean done;
    /** Bytes of a byte order mark skipped before the first line, until that line is read. */
    private int markSkipped;

    /**
     * Reads the split {@code [start, end)} from {@code in}, which must be positioned at {@code start}; {@code source}
     * names the split in errors.
     */
    SplitLineReader(InputStream in, long start, long end, int bufferSize, String source) throws IOException {
        this(in, start, end, bufferSize, MAX_LINE, source);
    }

    /** As above, failing on a line of more than {@code maxLine} bytes. */
    SplitLineReader(InputStream in, long start, long end, int bufferSize, int maxLine, String source)
            throws IOException {
        this.in = requireNonNull(in, "in is null");
        SpindleException.checkArgument(maxLine > 0 && maxLine <= MAX_LINE, "maxLine %d is not in [1, %d]", maxLine,
                MAX_LINE);
        this.maxLine = maxLine;
        this.source = requireNonNull(source, "source is null");
        SpindleException.checkArgument(start >= 0 && end >= start, "split [%d, %d) is not a byte range", start, end);
        SpindleException.checkArgument(bufferSize > 0, "buffer size %d must be positive", bufferSize);
        this.end = end;
        this.buffer = new byte[Math.min(bufferSize, maxLine)];
        this.bufferStart = start;
        if (start != 0) {
            skipLine();
        } else {
            skipByteOrderMark();
        }
    }

    /** Drops the UTF-8 byte order mark (EF BB BF) a file may begin with. */
    private void skipByteOrderMark() throws IOException {
        while (limit < 3 && fill(0)) {
            // a stream may hand out fewer bytes than asked for
        }
        if (limit >= 3 && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF) {
            next = 3;
            markSkipped = 3;
        }
    }

    /** File position of the next unread byte: where the next line starts. */
    long position() {
        return bufferStart + next;
    }

    /** The next line of the split, or null after the last. */
    String next() throws IOException {
        if (done) {
            return null;
        }
        if (position() - markSkipped > end) { // the first line starts at byte 0, before its byte order mark
            done = true;
            return null;
        }
        markSkipped = 0;
        int from = next;
        int at = from;
        while (true) {
            at = lineEnd(at);
            if (at < limit) {
                String line = new String(buffer, from, at - from, StandardCharsets.UTF_8);
                endLineAt(at);
                return line;
            }
            // No line end in the buffer: keep the line's bytes and read more after them.
            int kept = at - from;
            if (!fill(from)) {
                next = limit;
                done = true;
                return kept == 0 ? null : new String(buffer, 0, kept, StandardCharsets.UTF_8);
            }
            from = 0;
            at = kept;
        }
    }

    /**
     * The index of the first {@code \n} or {@code \r} in the buffer from {@code at}, or {@link #limit}: one
     * comparison per byte for text, whose bytes are mostly above {@code \r}.
     */
    private int lineEnd(int at) {
        byte[] b = buffer;
        int n = limit;
        for (; at < n; at++) {
            int c = b[at] & 0xFF;
            if (c <= '\r' && (c == '\n' || c == '\r')) {
                return at;
            }
        }
        return n;
    }

    /** Moves past the line end at {@code at}; a {@code \n} right after a {@code \r} belongs to the same line end. */
    private void endLineAt(int at) throws IOException {
        next = at + 1;
        if (buffer[at] == '\r' && (next < limit || fill(next)) && buffer[next] == '\n') {
            next++;
        }
    }

    /** Skips the partial line a split that does not start at byte 0 begins with, and its line end. */
    private void skipLine() throws IOException {
        while (true) {
            int at = lineEnd(next);
            if (at < limit) {
                endLineAt(at);
                return;
            }
            if (!fill(limit)) {
                next = limit;
                done = true;
                return;
            }
        }
    }

    /**
     * Moves the bytes from {@code keep} on to the front of the buffer (growing it when they fill it), then reads
     * more after them; false at the end of the file. {@link #next} becomes 0, the first kept byte.
     */
    private boolean fill(int keep) throws IOException {
        int kept = limit - keep;
        if (keep > 0) {
            System.arraycopy(buffer, keep, buffer, 0, kept);
            bufferStart += keep;
        } else if (kept == buffer.length && !eof) {
            if (buffer.length >= maxLine) {
                throw new SpindleException(ErrorCode.INVALID_INPUT, source + " has a line of more than " + maxLine
                        + " bytes starting at byte " + bufferStart + ", over spindle.files.maxLineLength="
                        + maxLine + "; is it a text file? Raise spindle.files.maxLineLength for longer lines");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.min(maxLine, 2L * buffer.length));
        }
        next = 0;
        limit = kept;
        if (eof) {
            return false;
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        for (int empty = 1; read == 0; empty++) {
            if (empty == MAX_EMPTY_READS) { // an InputStream may not do this; a broken one must not hang the task
                throw new IOException(source + ": the stream returned no bytes " + MAX_EMPTY_READS
                        + " times in a row at byte " + (bufferStart + limit) + " without reaching its end");
            }
            read = in.read(buffer, limit, buffer.length - limit);
        }
        if (read < 0) {
            eof = true;
            return false;
        }
        limit += read;
        return true;
    }

    @Override
    public void close() throws IOException {
        done = true;
        in.close();
    }
}
