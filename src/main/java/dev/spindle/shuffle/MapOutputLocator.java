package dev.spindle.shuffle;

import java.util.List;

/** Finds the map outputs of a shuffle: the driver's tracker in-process, an RPC to it from executor processes. */
@FunctionalInterface
public interface MapOutputLocator {
    /** One status per map partition, in map partition order; throws {@link FetchFailedException} if one is missing. */
    List<MapStatus> statuses(int shuffleId);

    /**
     * A number that grows whenever an output is forgotten: statuses read at an earlier epoch may name outputs that
     * are gone, later ones may not. Locators whose statuses never go stale keep it at 0.
     */
    default long epoch() {
        return 0;
    }
}
