package dev.spindle.executor;

import java.util.List;
import java.util.Optional;

/** Reads a cached partition from another executor that holds it. */
@FunctionalInterface
public interface RemoteBlocks {
    /** The records of partition {@code partition} of node {@code nodeId} from some other executor; empty if none has it. */
    Optional<List<Object>> read(int nodeId, int partition);
}
