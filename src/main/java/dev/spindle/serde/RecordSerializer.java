package dev.spindle.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;

/**
 * Turns records into bytes and back for shuffle files, spills, serialized cache levels and task
 * results. Implementations are thread-safe factories; the streams they return are not.
 */
public interface RecordSerializer {
    /** A writer of records onto {@code out}; closing it closes {@code out}. */
    RecordOutput newOutput(OutputStream out) throws IOException;

    /** A reader of records written by {@link #newOutput}; closing it closes {@code in}. */
    RecordInput newInput(InputStream in, ClassLoader loader) throws IOException;

    /** True when {@link #newCursor} gives cursors; without them a sorting shuffle holds its records as objects. */
    default boolean hasCursors() {
        return false;
    }

    /**
     * A cursor over bytes of a stream of {@link #newOutput}, held in memory: one per stream, since a stream may
     * define something once (an Avro schema) and refer to it later. Null when {@link #hasCursors} is false.
     */
    default RecordCursor newCursor(ClassLoader loader) {
        return null;
    }

    /** One record as a byte array. */
    byte[] toBytes(Object record);

    /** The record of {@link #toBytes}. */
    Object fromBytes(byte[] bytes, ClassLoader loader);

    /** A small batch of records as one byte array, sized to the records rather than to a stream buffer. */
    byte[] toBytesAll(Collection<?> records);

    /** The records of {@link #toBytesAll}, in order. */
    ArrayList<Object> fromBytesAll(byte[] bytes, ClassLoader loader);
}
