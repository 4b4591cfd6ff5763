package dev.spindle.plan;

import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;

/**
 * Counters of one task attempt, updated by the thread running it and sent back with its result.
 * Not thread-safe: one task, one thread.
 */
public final class TaskMetrics implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One counter: its name outside the process, how to read it, how to add to it. */
    private record Counter(String name, ToLongFunction<TaskMetrics> get, ObjLongConsumer<TaskMetrics> add) {
    }

    private static final List<Counter> COUNTERS = List.of(
            new Counter("recordsRead", TaskMetrics::recordsRead, TaskMetrics::addRecordsRead),
            new Counter("bytesRead", TaskMetrics::bytesRead, TaskMetrics::addBytesRead),
            new Counter("recordsWritten", TaskMetrics::recordsWritten, TaskMetrics::addRecordsWritten),
            new Counter("bytesWritten", TaskMetrics::bytesWritten, TaskMetrics::addBytesWritten),
            new Counter("shuffleRecordsRead", TaskMetrics::shuffleRecordsRead, TaskMetrics::addShuffleRecordsRead),
            new Counter("shuffleBytesRead", TaskMetrics::shuffleBytesRead, TaskMetrics::addShuffleBytesRead),
            new Counter("shuffleRecordsWritten", TaskMetrics::shuffleRecordsWritten,
                    TaskMetrics::addShuffleRecordsWritten),
            new Counter("shuffleBytesWritten", TaskMetrics::shuffleBytesWritten, TaskMetrics::addShuffleBytesWritten),
            new Counter("spilledBytes", TaskMetrics::spilledBytes, TaskMetrics::addSpilledBytes),
            new Counter("gcTimeMillis", TaskMetrics::gcTimeMillis, (m, v) -> m.gcTimeMillis += v),
            new Counter("durationMillis", TaskMetrics::durationMillis, (m, v) -> m.durationMillis += v),
            new Counter("resultBytes", TaskMetrics::resultBytes, (m, v) -> m.resultBytes += v));

    private long recordsRead;
    private long bytesRead;
    private long recordsWritten;
    private long bytesWritten;
    private long shuffleRecordsRead;
    private long shuffleBytesRead;
    private long shuffleRecordsWritten;
    private long shuffleBytesWritten;
    private long spilledBytes;
    private long gcTimeMillis;
    private long durationMillis;
    private long resultBytes;

    public void addRecordsRead(long n) {
        recordsRead += n;
    }

    public void addBytesRead(long n) {
        bytesRead += n;
    }

    public void addRecordsWritten(long n) {
        recordsWritten += n;
    }

    public void addBytesWritten(long n) {
        bytesWritten += n;
    }

    public void addShuffleRecordsRead(long n) {
        shuffleRecordsRead += n;
    }

    public void addShuffleBytesRead(long n) {
        shuffleBytesRead += n;
    }

    public void addShuffleRecordsWritten(long n) {
        shuffleRecordsWritten += n;
    }

    public void addShuffleBytesWritten(long n) {
        shuffleBytesWritten += n;
    }

    public void addSpilledBytes(long n) {
        spilledBytes += n;
    }

    public void setGcTimeMillis(long millis) {
        gcTimeMillis = millis;
    }

    public void setDurationMillis(long millis) {
        durationMillis = millis;
    }

    public void setResultBytes(long bytes) {
        resultBytes = bytes;
    }

    public long recordsRead() {
        return recordsRead;
    }

    public long bytesRead() {
        return bytesRead;
    }

    public long recordsWritten() {
        return recordsWritten;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public long shuffleRecordsRead() {
        return shuffleRecordsRead;
    }

    public long shuffleBytesRead() {
        return shuffleBytesRead;
    }

    public long shuffleRecordsWritten() {
        return shuffleRecordsWritten;
    }

    public long shuffleBytesWritten() {
        return shuffleBytesWritten;
    }

    public long spilledBytes() {
        return spilledBytes;
    }

    public long gcTimeMillis() {
        return gcTimeMillis;
    }

    public long durationMillis() {
        return durationMillis;
    }

    public long resultBytes() {
        return resultBytes;
    }

    /** Adds every counter of {@code other} to this one's (a stage's totals). */
    public void add(TaskMetrics other) {
        for (Counter counter : COUNTERS) {
            counter.add().accept(this, counter.get().applyAsLong(other));
        }
    }

    /** Every counter by name, for messages that leave the process. */
    public Map<String, Long> toMap() {
        Map<String, Long> values = new LinkedHashMap<>();
        for (Counter counter : COUNTERS) {
            values.put(counter.name(), counter.get().applyAsLong(this));
        }
        return values;
    }

    /**
     * The counters that are not zero, by name: what a task's messages carry ({@link #fromMap} reads a missing name as
     * 0). A tiny task has two or three of the twelve, and the driver decodes its status among thousands a second.
     */
    public Map<String, Long> toNonZeroMap() {
        Map<String, Long> values = new HashMap<>();
        for (Counter counter : COUNTERS) {
            long value = counter.get().applyAsLong(this);
            if (value != 0) {
                values.put(counter.name(), value);
            }
        }
        return values;
    }

    /** The metrics {@link #toMap} described; unknown names are ignored, missing ones are 0. */
    public static TaskMetrics fromMap(Map<String, Long> values) {
        TaskMetrics metrics = new TaskMetrics();
        for (Counter counter : COUNTERS) {
            Long value = values.get(counter.name());
            if (value != null) {
                counter.add().accept(metrics, value);
            }
        }
        return metrics;
    }

    @Override
    public String toString() {
        return "TaskMetrics[records in " + recordsRead + ", bytes in " + bytesRead + ", records out " + recordsWritten
                + ", bytes out " + bytesWritten + ", shuffle read " + shuffleRecordsRead + "/" + shuffleBytesRead
                + "B, shuffle write " + shuffleRecordsWritten + "/" + shuffleBytesWritten + "B, spilled "
                + spilledBytes + "B, gc " + gcTimeMillis + "ms, duration " + durationMillis + "ms]";
    }
}
