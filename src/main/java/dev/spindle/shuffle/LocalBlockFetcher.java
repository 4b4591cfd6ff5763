package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import java.io.IOException;
import java.io.InputStream;

/** Reads map outputs written by this executor straight from its shuffle files. */
public final class LocalBlockFetcher implements BlockFetcher {
    private final ShuffleFiles files;
    private final ExecutorId self;

    public LocalBlockFetcher(ShuffleFiles files, ExecutorId self) {
        this.files = requireNonNull(files, "files is null");
        this.self = requireNonNull(self, "self is null");
    }

    @Override
    public InputStream open(MapStatus status, int shuffleId, int startPartition, int endPartition) {
        if (!status.location().equals(self)) {
            throw new FetchFailedException(shuffleId, status.mapPartition(), status.location().id(),
                    "map output is on another executor and this executor fetches local outputs only", null);
        }
        try {
            return files.openSegment(shuffleId, status.mapTaskId(), startPartition, endPartition);
        } catch (IOException e) {
            throw new FetchFailedException(shuffleId, status.mapPartition(), status.location().id(),
                    "cannot read shuffle file: " + e, e);
        }
    }
}
