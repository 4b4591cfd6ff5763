package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

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
            long[] range = files.segment(shuffleId, status.mapTaskId(), startPartition, endPartition);
            FileChannel channel = FileChannel.open(files.dataFile(shuffleId, status.mapTaskId()), StandardOpenOption.READ);
            channel.position(range[0]);
            return new BoundedInputStream(Channels.newInputStream(channel), range[1] - range[0]);
        } catch (IOException e) {
            throw new FetchFailedException(shuffleId, status.mapPartition(), status.location().id(),
                    "cannot read shuffle file: " + e, e);
        }
    }
}
