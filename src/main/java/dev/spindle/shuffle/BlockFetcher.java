package dev.spindle.shuffle;

import java.io.InputStream;

/** Opens the bytes one map output holds for a range of reduce partitions. */
public interface BlockFetcher {
    /**
     * A stream over reduce partitions {@code [startPartition, endPartition)} of {@code status}'s output; throws
     * {@link FetchFailedException} when the output cannot be read.
     */
    InputStream open(MapStatus status, int shuffleId, int startPartition, int endPartition);
}
