package dev.spindle.plan;

import java.io.Serializable;

/**
 * Counters of one task attempt, updated by the thread running it and sent back with its result.
 * Not thread-safe: one task, one thread.
 */
public final class TaskMetrics implements Serializable {
    private static final long serialVersionUID = 1L;

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

    @Override
    public String toString() {
        return "TaskMetrics[records in " + recordsRead + ", bytes in " + bytesRead + ", records out " + recordsWritten
                + ", bytes out " + bytesWritten + ", shuffle read " + shuffleRecordsRead + "/" + shuffleBytesRead
                + "B, shuffle write " + shuffleRecordsWritten + "/" + shuffleBytesWritten + "B, spilled "
                + spilledBytes + "B, gc " + gcTimeMillis + "ms, duration " + durationMillis + "ms]";
    }
}
