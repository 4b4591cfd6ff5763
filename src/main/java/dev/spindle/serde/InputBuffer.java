package dev.spindle.serde;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A byte buffer behind an {@link InputStream} (or over a byte array, without copying), decoding what
 * {@link OutputBuffer} encodes. Every read that runs out of bytes throws {@link EOFException}; only
 * {@link #atEnd()} treats the end of the stream as normal. Not thread-safe.
 */
final class InputBuffer {
    private static final int MAX_SCRATCH_CHARS = 64 * 1024;

    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int limit;
    private long consumedBeforeBuffer;
    private char[] scratch = new char[256];

    InputBuffer(InputStream in, int size) {
        this.in = requireNonNull(in, "in is null");
        this.buf = new byte[size];
    }

    /** Reads {@code bytes} in place; there is no stream behind it. */
    InputBuffer(byte[] bytes) {
        this(bytes, 0);
    }

    /** Reads {@code bytes} in place from {@code offset} on. */
    InputBuffer(byte[] bytes, int offset) {
        this.in = null;
        this.buf = requireNonNull(bytes, "bytes is null");
        this.pos = offset;
        this.limit = bytes.length;
        this.consumedBeforeBuffer = -offset;
    }

    /** Reads {@code bytes[offset, limit)} in place from now on; only for a buffer with no stream behind it. */
    void reset(byte[] bytes, int offset, int limit) {
        if (in != null) {
            throw new IllegalStateException("a stream buffer cannot be reset to an array");
        }
        Objects.checkFromToIndex(offset, limit, bytes.length);
        this.buf = bytes;
        this.pos = offset;
        this.limit = limit;
        this.consumedBeforeBuffer = 0;
    }

    /** The index in the buffer of the next byte to read; with {@link #reset}, the offset in the array. */
    int offset() {
        return pos;
    }

    /** Bytes consumed so far, for messages. */
    long position() {
        return consumedBeforeBuffer + pos;
    }

    void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }

    /** True when no byte is left: the stream ended exactly here. */
    boolean atEnd() throws IOException {
        return pos == limit && fill() < 0;
    }

    /** Moves the unread bytes to the front and reads more behind them; -1 at the end of the stream. */
    private int fill() throws IOException {
        if (in == null) {
            return -1;
        }
        if (pos > 0) {
            int remaining = limit - pos;
            System.arraycopy(buf, pos, buf, 0, remaining);
            consumedBeforeBuffer += pos;
            pos = 0;
            limit = remaining;
        }
        if (limit == buf.length) {
            return 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n > 0) {
            limit += n;
        }
        return n;
    }

    /** Makes {@code n <= buffer size} bytes available or throws {@link EOFException}. */
    private void require(int n) throws IOException {
        while (limit - pos < n) {
            if (fill() < 0) {
                throw new EOFException("the stream ended after " + (position() + limit - pos) + " bytes, with "
                        + (limit - pos) + " of the " + n + " bytes of a value");
            }
        }
    }

    int readByte() throws IOException {
        if (pos == limit) {
            require(1);
        }
        return buf[pos++];
    }

    int readUnsignedVarInt() throws IOException {
        if (limit - pos >= 5) {
            byte[] b = buf;
            int p = pos;
            int x = b[p++];
            if (x >= 0) {
                pos = p;
                return x;
            }
            int result = x & 0x7F;
            for (int shift = 7; shift < 35; shift += 7) {
                x = b[p++];
                result |= (x & 0x7F) << shift;
                if (x >= 0) {
                    pos = p;
                    return result;
                }
            }
            throw new StreamCorruptedException("varint longer than 5 bytes at byte " + position());
        }
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int x = readByte();
            result |= (x & 0x7F) << shift;
            if (x >= 0) {
                return result;
            }
        }
        throw new StreamCorruptedException("varint longer than 5 bytes at byte " + position());
    }

    int readVarInt() throws IOException {
        int v = readUnsignedVarInt();
        return (v >>> 1) ^ -(v & 1);
    }

    long readVarLong() throws IOException {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int x = readByte();
            result |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return (result >>> 1) ^ -(result & 1);
            }
        }
        throw new StreamCorruptedException("varlong longer than 10 bytes at byte " + position());
    }

    int readShort() throws IOException {
        require(2);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    int readInt() throws IOException {
        require(4);
        byte[] b = buf;
        int p = pos;
        int v = ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
        pos = p + 4;
        return v;
    }

    long readLong() throws IOException {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    /** A length read from the stream, checked so that a corrupt stream fails here and not in {@code new}. */
    int readLength() throws IOException {
        int length = readUnsignedVarInt();
        if (length < 0) {
            throw new StreamCorruptedException("negative length " + length + " at byte " + position());
        }
        return length;
    }

    void readFully(byte[] dst, int offset, int length) throws IOException {
        int copied = Math.min(length, limit - pos);
        System.arraycopy(buf, pos, dst, offset, copied);
        pos += copied;
        while (copied < length) {
            int n = in == null ? -1 : in.read(dst, offset + copied, length - copied);
            if (n < 0) {
                throw new EOFException("the stream ended after " + position() + " bytes, with " + copied
                        + " of the " + length + " bytes of a value");
            }
            copied += n;
            consumedBeforeBuffer += n;
        }
    }

    /** Moves past {@code length} bytes. */
    void skip(int length) throws IOException {
        int skipped = Math.min(length, limit - pos);
        pos += skipped;
        while (skipped < length) {
            if (fill() < 0) {
                throw new EOFException("the stream ended after " + position() + " bytes, with " + skipped
                        + " of the " + length + " bytes of a value");
            }
            int n = Math.min(length - skipped, limit - pos);
            pos += n;
            skipped += n;
        }
    }

    /** Moves past what {@link OutputBuffer#writeString} wrote, checking it as {@link #readString} would. */
    void skipString() throws IOException {
        int length = readLength();
        if (limit - pos >= length && isAscii(pos, length)) {
            pos += length;
            return;
        }
        for (int i = 0; i < length; i++) {
            int b = readByte();
            if ((b & 0xE0) == 0xC0) {
                continuation();
            } else if ((b & 0xF0) == 0xE0) {
                continuation();
                continuation();
            } else if (b < 0) {
                throw new StreamCorruptedException(String.format(
                        "invalid UTF-8 lead byte 0x%02x at byte %d", b & 0xFF, position() - 1));
            }
        }
    }

    /** Up to {@code length} bytes, at least one unless the stream ended: -1 then. For stream adapters. */
    int read(byte[] dst, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pos == limit && fill() < 0) {
            return -1;
        }
        int n = Math.min(length, limit - pos);
        System.arraycopy(buf, pos, dst, offset, n);
        pos += n;
        return n;
    }

    /** Reads what {@link OutputBuffer#writeString} wrote. */
    String readString() throws IOException {
        int length = readLength();
        if (limit - pos >= length && isAscii(pos, length)) {
            String s = new String(buf, pos, length, StandardCharsets.ISO_8859_1);
            pos += length;
            return s;
        }
        char[] chars = scratch;
        if (chars.length < length) {
            chars = new char[length];
            if (length <= MAX_SCRATCH_CHARS) {
                scratch = chars;
            }
        }
        for (int i = 0; i < length; i++) {
            int b = readByte();
            if (b >= 0) {
                chars[i] = (char) b;
            } else if ((b & 0xE0) == 0xC0) {
                chars[i] = (char) (((b & 0x1F) << 6) | continuation());
            } else if ((b & 0xF0) == 0xE0) {
                int middle = continuation();
                chars[i] = (char) (((b & 0x0F) << 12) | (middle << 6) | continuation());
            } else {
                throw new StreamCorruptedException(String.format(
                        "invalid UTF-8 lead byte 0x%02x at byte %d", b & 0xFF, position() - 1));
            }
        }
        return new String(chars, 0, length);
    }

    private boolean isAscii(int from, int length) {
        byte[] b = buf;
        for (int i = from, end = from + length; i < end; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private int continuation() throws IOException {
        int b = readByte();
        if ((b & 0xC0) != 0x80) {
            throw new StreamCorruptedException(String.format(
                    "invalid UTF-8 continuation byte 0x%02x at byte %d", b & 0xFF, position() - 1));
        }
        return b & 0x3F;
    }
}
