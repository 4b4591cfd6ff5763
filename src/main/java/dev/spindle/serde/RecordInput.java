package dev.spindle.serde;

import java.io.Closeable;
import java.io.IOException;

/** Reads records written by a {@link RecordOutput}. Not thread-safe. */
public interface RecordInput extends Closeable {
    /** Returned by {@link #read()} at the clean end of the stream. */
    Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };

    /**
     * The next record, or {@link #END} when the stream ended at a record boundary. A stream that ends
     * inside a record throws {@link java.io.EOFException}.
     */
    Object read() throws IOException;
}
