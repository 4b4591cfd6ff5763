package dev.spindle.shuffle;

import java.util.List;

/** Finds the map outputs of a shuffle: the driver's tracker in-process, an RPC to it from executor processes. */
@FunctionalInterface
public interface MapOutputLocator {
    /** One status per map partition, in map partition order; throws {@link FetchFailedException} if one is missing. */
    List<MapStatus> statuses(int shuffleId);
}
