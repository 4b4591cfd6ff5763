package dev.spindle.shuffle;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.serde.RecordInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Reads {@code count} key-value records of one partition from a run. */
final class RunIterator implements Iterator<Pair<Object, Object>> {
    private final RecordInput input;
    private final Path file;
    private long remaining;

    RunIterator(RecordInput input, long count, Path file) {
        this.input = input;
        this.remaining = count;
        this.file = file;
    }

    @Override
    public boolean hasNext() {
        return remaining > 0;
    }

    @Override
    public Pair<Object, Object> next() {
        if (remaining <= 0) {
            throw new NoSuchElementException();
        }
        remaining--;
        try {
            return Pair.of(input.read(), input.read());
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read shuffle spill " + file + ": " + e, e);
        }
    }
}
