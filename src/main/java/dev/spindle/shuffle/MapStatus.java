package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Where one map task's shuffle output lives and how many bytes it holds for each reduce partition.
 *
 * @param port the executor's shuffle server port, -1 for in-process executors
 */
public record MapStatus(ExecutorId location, String host, int port, int mapPartition, long mapTaskId,
        long[] partitionLengths) implements Serializable {
    public MapStatus {
        requireNonNull(location, "location is null");
        requireNonNull(host, "host is null");
        requireNonNull(partitionLengths, "partitionLengths is null");
    }

    public long totalBytes() {
        long total = 0;
        for (long length : partitionLengths) {
            total += length;
        }
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapStatus other && location.equals(other.location) && mapPartition == other.mapPartition
                && mapTaskId == other.mapTaskId && Arrays.equals(partitionLengths, other.partitionLengths);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(mapTaskId) * 31 + mapPartition;
    }

    @Override
    public String toString() {
        return "map output " + mapPartition + " (task " + mapTaskId + ") on " + location + " at " + host;
    }
}
