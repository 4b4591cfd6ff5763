package dev.spindle.serde;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;

/**
 * The record serializer of shuffle files, spills, serialized cache levels and task results.
 *
 * <p>Format: a sequence of values, each one type-tag byte ({@link Tag}) followed by its body. Fast paths,
 * with no allocation beyond the value read: {@code null}, {@link String} (UTF-16 length as a varint, then
 * modified UTF-8), {@link Integer} and {@link Long} (zig-zag varints), {@link Double}, {@link Float},
 * {@link Short}, {@link Byte}, {@link Character}, {@link Boolean}, {@code byte[]},
 * {@link dev.spindle.common.Pair} and {@link java.util.List} (recursive; lists read back as
 * {@link java.util.ArrayList}). Avro specific records carry their class name once per stream, generic
 * records their schema once per stream, then the Avro binary datum. Anything else that is
 * {@link java.io.Serializable} is one length-prefixed Java serialization stream, whose classes resolve
 * through the reader's class loader. A stream that ends between records is at its end; one that ends
 * inside a record is truncated and fails with {@link java.io.EOFException}.
 *
 * <p>Thread-safe and stateless; the streams it returns are not thread-safe.
 */
public final class DefaultRecordSerializer implements RecordSerializer {
    /** Buffer of each stream: large enough that the target stream sees few, large writes. */
    static final int STREAM_BUFFER_BYTES = 64 * 1024;
    /** Buffer of {@link #toBytes}: single records are usually small. */
    private static final int SINGLE_RECORD_BUFFER_BYTES = 512;

    @Override
    public RecordOutput newOutput(OutputStream out) {
        return new DefaultRecordOutput(requireNonNull(out, "out is null"), STREAM_BUFFER_BYTES);
    }

    @Override
    public RecordInput newInput(InputStream in, ClassLoader loader) {
        return new DefaultRecordInput(new InputBuffer(requireNonNull(in, "in is null"), STREAM_BUFFER_BYTES),
                requireNonNull(loader, "loader is null"));
    }

    @Override
    public boolean hasCursors() {
        return true;
    }

    @Override
    public RecordCursor newCursor(ClassLoader loader) {
        return new DefaultRecordInput(new InputBuffer(new byte[0]), requireNonNull(loader, "loader is null"));
    }

    @Override
    public byte[] toBytes(Object record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (RecordOutput output = new DefaultRecordOutput(bytes, SINGLE_RECORD_BUFFER_BYTES)) {
            output.write(record);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.INTERNAL, "Cannot serialize a record of class "
                    + (record == null ? "null" : record.getClass().getName()) + " to memory: " + e, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public byte[] toBytesAll(Collection<?> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 8 * records.size());
        try (RecordOutput output = new DefaultRecordOutput(bytes, SINGLE_RECORD_BUFFER_BYTES)) {
            for (Object record : records) {
                output.write(record);
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.INTERNAL, "Cannot serialize " + records.size()
                    + " records to memory: " + e, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public ArrayList<Object> fromBytesAll(byte[] bytes, ClassLoader loader) {
        requireNonNull(bytes, "bytes is null");
        DefaultRecordInput input = new DefaultRecordInput(new InputBuffer(bytes), requireNonNull(loader, "loader is null"));
        ArrayList<Object> records = new ArrayList<>();
        try {
            for (Object record = input.read(); record != RecordInput.END; record = input.read()) {
                records.add(record);
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE,
                    "Cannot deserialize records from " + bytes.length + " bytes: " + e.getMessage(), e);
        }
        return records;
    }

    @Override
    public Object fromBytes(byte[] bytes, ClassLoader loader) {
        requireNonNull(bytes, "bytes is null");
        DefaultRecordInput input = new DefaultRecordInput(new InputBuffer(bytes), requireNonNull(loader, "loader is null"));
        try {
            Object record = input.read();
            if (record == RecordInput.END) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "Cannot deserialize a record from 0 bytes");
            }
            if (!input.atEnd()) {
                throw new SpindleException(ErrorCode.IO_FAILURE, String.format(
                        "Cannot deserialize a record from %d bytes: a %s was read but bytes follow it; the bytes "
                                + "are not one record of this serializer", bytes.length, record == null
                                ? "null" : record.getClass().getName()));
            }
            return record;
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE,
                    "Cannot deserialize a record from " + bytes.length + " bytes: " + e.getMessage(), e);
        }
    }
}
