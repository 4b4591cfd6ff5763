package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import dev.spindle.plan.Partition;
import java.util.List;

/**
 * A byte range of one file: what a text or Avro task reads. The range is in bytes of the file as stored
 * (compressed bytes for compressed files).
 *
 * @param index position in the node's partition list
 * @param path the fully qualified file path ({@code hdfs://nn:8020/data/a.txt})
 * @param start first byte of the range
 * @param length bytes in the range
 * @param hosts datanodes holding most of the range's bytes; empty when unknown or local
 */
public record FileSplitPartition(int index, String path, long start, long length, List<String> hosts)
        implements Partition {
    public FileSplitPartition {
        requireNonNull(path, "path is null");
        hosts = List.copyOf(requireNonNull(hosts, "hosts is null"));
        SpindleException.checkArgument(index >= 0, "index %d is negative", index);
        SpindleException.checkArgument(start >= 0 && length >= 0, "split %s:%d+%d has a negative bound",
                path, start, length);
    }

    public long end() {
        return start + length;
    }

    @Override
    public String toString() {
        return path + ":" + start + "+" + length;
    }
}
