package dev.spindle.serde;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A byte buffer in front of an {@link OutputStream}, with the primitive encodings of the record format:
 * zig-zag varints, fixed-width big-endian numbers and length-prefixed strings. Always buffers, whether or
 * not the target stream does: unsynchronized appends to a plain array are the cheapest write there is,
 * and a buffered target only costs one extra copy per 64 KiB. Not thread-safe.
 */
final class OutputBuffer {
    private final OutputStream out;
    private final byte[] buf;
    private int pos;

    OutputBuffer(OutputStream out, int size) {
        this.out = requireNonNull(out, "out is null");
        this.buf = new byte[size];
    }

    /** Writes the buffered bytes to the stream, without flushing the stream. */
    void drain() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }

    void flush() throws IOException {
        drain();
        out.flush();
    }

    void close() throws IOException {
        try {
            drain();
        } catch (IOException | RuntimeException e) {
            try {
                out.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        out.close();
    }

    private void ensure(int bytes) throws IOException {
        if (buf.length - pos < bytes) {
            drain();
        }
    }

    void writeByte(int b) throws IOException {
        if (pos == buf.length) {
            drain();
        }
        buf[pos++] = (byte) b;
    }

    void writeBytes(byte[] bytes, int offset, int length) throws IOException {
        if (length <= buf.length - pos) {
            System.arraycopy(bytes, offset, buf, pos, length);
            pos += length;
        } else if (length <= buf.length / 2) {
            drain();
            System.arraycopy(bytes, offset, buf, 0, length);
            pos = length;
        } else {
            drain();
            out.write(bytes, offset, length);
        }
    }

    /** An unsigned varint: 7 bits a byte, low bits first. */
    void writeUnsignedVarInt(int value) throws IOException {
        ensure(5);
        int v = value;
        while ((v & ~0x7F) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void writeVarInt(int value) throws IOException {
        writeUnsignedVarInt((value << 1) ^ (value >> 31));
    }

    void writeVarLong(long value) throws IOException {
        ensure(10);
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void writeShort(int value) throws IOException {
        ensure(2);
        buf[pos++] = (byte) (value >>> 8);
        buf[pos++] = (byte) value;
    }

    void writeInt(int value) throws IOException {
        ensure(4);
        buf[pos++] = (byte) (value >>> 24);
        buf[pos++] = (byte) (value >>> 16);
        buf[pos++] = (byte) (value >>> 8);
        buf[pos++] = (byte) value;
    }

    void writeLong(long value) throws IOException {
        writeInt((int) (value >>> 32));
        writeInt((int) value);
    }

    /**
     * A string as its UTF-16 length (unsigned varint) followed by each char in modified UTF-8: one byte
     * for U+0000..U+007F, two up to U+07FF, three otherwise. Surrogates are encoded char by char, so any
     * Java string round-trips exactly, including supplementary characters and unpaired surrogates.
     */
    void writeString(String s) throws IOException {
        int length = s.length();
        writeUnsignedVarInt(length);
        int i = 0;
        while (i < length) {
            int room = (buf.length - pos) / 3;
            if (room == 0) {
                drain();
                room = buf.length / 3;
            }
            int end = Math.min(length, i + room);
            int p = pos;
            byte[] b = buf;
            for (; i < end; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    b[p++] = (byte) c;
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | (c >> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else {
                    b[p++] = (byte) (0xE0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            pos = p;
        }
    }
}
