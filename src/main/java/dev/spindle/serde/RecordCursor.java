package dev.spindle.serde;

import java.io.IOException;

/**
 * Reads the records of one {@link RecordOutput} stream out of byte arrays in memory, from any record boundary and
 * in any order, once every part of the stream has been read in order at least once. What the stream defines once
 * and refers to later (Avro schemas) is remembered across {@link #reset} calls, so a record read out of order
 * decodes like it did in order. It lets a sorter keep records serialized and decode each one when it is needed.
 * Not thread-safe.
 */
public interface RecordCursor {
    /** Reads from {@code bytes[offset]} on; {@code limit} is the end of the readable bytes. */
    void reset(byte[] bytes, int offset, int limit);

    /** The index in the current bytes of the next record to read. */
    int offset();

    /**
     * The record at {@link #offset()}; throws {@link java.io.EOFException} when the bytes end inside it, and returns
     * {@link RecordInput#END} when no byte is left.
     */
    Object read() throws IOException;

    /** Moves past the record at {@link #offset()} without building it; {@link java.io.EOFException} as in read. */
    void skip() throws IOException;
}
