package dev.spindle.serde;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;

/** Writes records one after the other. Not thread-safe. */
public interface RecordOutput extends Closeable, Flushable {
    void write(Object record) throws IOException;
}
