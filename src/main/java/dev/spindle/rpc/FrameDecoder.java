package dev.spindle.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary decoding of one frame, where no string, byte array, array or map may claim more than the frame
 * holds. Avro itself allocates what a length or an item count announces (up to 2 GiB, or an array of 2^31 slots)
 * before it finds the bytes missing; a frame of a few bytes could so exhaust the heap. Here such a frame is malformed
 * before anything is allocated. One instance per connection reader, reset for each frame.
 */
final class FrameDecoder extends Decoder {
    private BinaryDecoder in;
    private int frameBytes;

    /** Decodes {@code frame} next. */
    Decoder reset(byte[] frame) {
        in = DecoderFactory.get().binaryDecoder(frame, in);
        frameBytes = frame.length;
        return this;
    }

    private int checked(long length, String what) throws IOException {
        if (length < 0 || length > frameBytes) {
            throw new IOException(what + " of " + length + " in a frame of " + frameBytes + " bytes");
        }
        return (int) length;
    }

    /** An array or map block's item count; a negative count is followed by the block's size in bytes. */
    private long blockCount(String what) throws IOException {
        long count = in.readLong();
        if (count < 0) {
            in.readLong();
            count = -count;
        }
        return checked(count, what);
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checked(in.readLong(), "a string length");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        byte[] bytes = new byte[checked(in.readLong(), "a string length")];
        in.readFixed(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checked(in.readLong(), "a string length"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checked(in.readLong(), "a byte array length");
        ByteBuffer result = old != null && old.hasArray() && old.capacity() >= length ? old.clear()
                : ByteBuffer.allocate(length);
        in.readFixed(result.array(), result.arrayOffset() + result.position(), length);
        result.limit(result.position() + length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checked(in.readLong(), "a byte array length"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return blockCount("an array of items");
    }

    @Override
    public long arrayNext() throws IOException {
        return blockCount("an array of items");
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return blockCount("a map of entries");
    }

    @Override
    public long mapNext() throws IOException {
        return blockCount("a map of entries");
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
